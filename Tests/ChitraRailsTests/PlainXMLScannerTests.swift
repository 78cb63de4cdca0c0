import ChitraCore
import Foundation
import Testing
@testable import ChitraRails

/// The plain-XML scanner reads what banks write as Foundation's `XMLParser` does, and hands back
/// whatever it is not sure of: a comment, CDATA, prefixes, a document cut short or not well formed
/// are read by `XMLParser`, whose word on them stands.
@Suite("Plain XML scanner")
struct PlainXMLScannerTests {
    static let statement = Camt053Tests.statement()
    static let document = Camt053Writer.document(statement)

    /// Both readers' statements, or both failures.
    static func both(_ document: String) -> (scanned: Result<[BankStatement], Camt053Reader.Failure>, parsed: Result<[BankStatement], Camt053Reader.Failure>) {
        let bytes = Array(document.utf8)
        return (Result { () throws(Camt053Reader.Failure) in try Camt053Reader.read(bytes: bytes) },
                Result { () throws(Camt053Reader.Failure) in try Camt053Reader.readByXMLParser(bytes: bytes) })
    }

    /// What the scanner alone makes of `document`.
    static func outcome(_ document: String) -> PlainXMLScanner.Outcome {
        var interpreter = CamtInterpreter()
        return PlainXMLScanner.scan(Array(document.utf8), into: &interpreter)
    }

    @Test("a statement as written, escapes and references, quotes either way, a notification, laid out or not: the scanner reads each, the same as XMLParser")
    func plainDocuments() throws {
        var notification = Self.statement
        notification.kind = .notification
        notification.statementID = "NTF-1"
        notification.sequenceNumber = 0
        notification.openingVND = 0
        let documents = [
            Self.document,
            Camt054Writer.document(notification),
            Self.document.replacingOccurrences(of: "<Ccy>VND</Ccy>", with: "<Ccy>&#x56;&#78;D</Ccy>"),
            Self.document.replacingOccurrences(of: "Ccy=\"VND\"", with: "Ccy = 'VND'"),
            Self.document.replacingOccurrences(of: "><", with: ">\n    <"),
            "\u{FEFF}" + Self.document,
        ]
        for document in documents {
            #expect(Self.outcome(document) == .done)
            let (scanned, parsed) = Self.both(document)
            #expect(try scanned.get() == parsed.get())
        }
        #expect(try Self.both(Self.document).scanned.get() == [Self.statement], "the EndToEndId 'CT954202607NB2 & <x>' comes back unescaped")
    }

    @Test("a comment, CDATA, a prefix, a document type, another encoding: handed to XMLParser, which reads the same")
    func notPlain() throws {
        let variants = [
            Self.document.replacingOccurrences(of: "<Stmt>", with: "<!-- ngân hàng --><Stmt>"),
            Self.document.replacingOccurrences(of: "<Ccy>VND</Ccy>", with: "<Ccy><![CDATA[VND]]></Ccy>"),
            Self.document.replacingOccurrences(of: "<Document xmlns=", with: "<c:Document xmlns:c=").replacingOccurrences(of: "</Document>", with: "</c:Document>")
                .replacingOccurrences(of: "<c:Document xmlns:c=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">",
                                      with: "<c:Document xmlns:c=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\" xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">"),
            Self.document.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\""),
        ]
        for document in variants {
            #expect(Self.outcome(document) == .notPlain)
            let (scanned, parsed) = Self.both(document)
            #expect(String(describing: scanned) == String(describing: parsed))
        }
        #expect(try Self.both(variants[0]).scanned.get() == [Self.statement])
    }

    @Test("cut short, an end tag that does not match, text after the root: not plain; the failure is XMLParser's, with its line")
    func malformed() {
        let cut = String(Self.document.prefix(Self.document.count / 2))
        let crossed = Self.document.replacingOccurrences(of: "</Ccy>", with: "</Cc>")
        for document in [cut, crossed, Self.document + "<Other/>"] {
            #expect(Self.outcome(document) == .notPlain)
            let (scanned, parsed) = Self.both(document)
            guard case .failure(.malformed) = scanned, case .failure(.malformed) = parsed else {
                Issue.record("\(scanned) / \(parsed)")
                continue
            }
            #expect(String(describing: scanned) == String(describing: parsed))
        }
    }

    @Test("what the statement says wrongly fails the same whichever reads it: a balance that does not add up, a message of another namespace")
    func sameFailures() {
        for document in [Self.document.replacingOccurrences(of: "<Amt Ccy=\"VND\">1029000</Amt>", with: "<Amt Ccy=\"VND\">1029001</Amt>"),
                         Self.document.replacingOccurrences(of: "camt.053.001.08", with: "camt.054.001.08")] {
            #expect(Self.outcome(document) == .stopped)
            let (scanned, parsed) = Self.both(document)
            #expect(String(describing: scanned) == String(describing: parsed) && (try? scanned.get()) == nil)
        }
    }
}
