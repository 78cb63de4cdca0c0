import ChitraStore
import NIOCore

extension DisbursementPage {
    /// The page as `JSONResponse.encode` writes it, byte for byte (keys sorted, no failure reason
    /// or next cursor when there is none), written straight into a buffer: the page is what a
    /// province's screen asks most (`JSONBytes`).
    var json: ByteBuffer {
        var json = JSONBytes(capacity: 64 + items.count * 200)
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in items {
            json.beginObject()
            json.member("amount_vnd", item.amountVND)
            json.member("attempts", item.attempts)
            json.member("beneficiary_id", item.beneficiaryID)
            json.member("end_to_end_id", item.endToEndID)
            json.member("failure_reason", item.failureReason)
            json.member("method", item.method)
            json.member("rail", item.rail)
            json.member("state", item.state.rawValue)
            json.endObject()
        }
        json.endArray()
        json.member("next", next)
        json.endObject()
        return json.buffer
    }
}
