@testable import ChitraRails
import Testing

/// Text into and out of payment files: escaped and cleaned on the way in, trimmed of XML's white
/// space on the way out, byte for byte what Foundation did.
@Suite("XML text")
struct XMLTextTests {
    @Test("trimming takes XML's white space from both ends and nothing else")
    func trimmed() {
        #expect(XMLText.trimmed("  CT954202606NA1\r\n\t") == "CT954202606NA1")
        #expect(XMLText.trimmed("Nguyễn Văn Ân") == "Nguyễn Văn Ân")
        #expect(XMLText.trimmed("\n  Trần  Thị Bé \n") == "Trần  Thị Bé")
        #expect(XMLText.trimmed(" \n\t\r ") == "")
        #expect(XMLText.trimmed("") == "")
        #expect(XMLText.trimmed(" ệ") == "ệ")
        #expect(XMLText.trimmed("\u{00A0}x\u{00A0}") == "\u{00A0}x\u{00A0}", "a no-break space is not XML white space")
    }

    @Test("escaping: reserved characters escaped, characters XML cannot carry dropped, plain text unchanged")
    func escaped() {
        #expect(XMLText.escaped("Nguyễn Văn Ân") == "Nguyễn Văn Ân")
        #expect(XMLText.escaped("A & B <c> \"d\" 'e'") == "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;")
        #expect(XMLText.escaped("a\u{01}b\tc\u{FFFE}d\u{FFFF}e\u{FFFD}") == "ab\tcde\u{FFFD}")
    }
}
