import Foundation
import NIOCore

/// The wrong answers of a buggy gateway, made from the right one: the client must refuse each
/// whole and find the outcomes by inquiry.
enum BadAnswers {
    static func spoil(_ body: ByteBuffer, kind: Int, json: Bool) -> ByteBuffer {
        let text = String(buffer: body)
        if json {
            switch kind {
            case 0: return ByteBuffer(string: String(text.prefix(text.count / 2)))
            case 1: return ByteBuffer(string: replacingFirst(in: text, #""end_to_end_id":""#, with: #""end_to_end_id":"NEVERSENT"#))
            default: return ByteBuffer(string: replacingFirst(in: text, #""amount_vnd":"#, with: #""amount_vnd":1"#))
            }
        }
        switch kind {
        case 0: return ByteBuffer(string: String(text.prefix(text.count / 2)))
        case 1: return ByteBuffer(string: replacingFirst(in: text, "<OrgnlEndToEndId>", with: "<OrgnlEndToEndId>NEVERSENT"))
        default: return ByteBuffer(string: replacingFirst(in: text, "<TxSts>", with: "<TxSts>X"))
        }
    }

    static func replacingFirst(in text: String, _ target: String, with replacement: String) -> String {
        guard let range = text.range(of: target) else { return text + "<" }
        return text.replacingCharacters(in: range, with: replacement)
    }
}
