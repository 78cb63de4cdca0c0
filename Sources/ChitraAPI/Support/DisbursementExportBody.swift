import ChitraCore
import ChitraStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// A run's disbursements, one row each, streamed as they are read (CSV, or a JSON array one row a
/// line): memory stays bounded however large the unit. A failure part way ends the connection
/// without the closing chunk, so a client never takes a cut list for a whole one.
enum DisbursementExportBody {
    static func response(district: String, period: Period, json: Bool, database: Database, logger: Logger) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"disbursements-\(district)-\(period).\(json ? "json" : "csv")\""
        let body = ResponseBody { writer in
            var buffer = ByteBuffer()
            buffer.writeString((json ? "[" : DisbursementRow.csvHeader) + "\n")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var first = true
            do {
                try await DisbursementRow.each(district: district, period: period, database: database) { row in
                    if json {
                        buffer.writeString(first ? "  " : ", ")
                        buffer.writeBytes(try encoder.encode(row))
                        buffer.writeString("\n")
                    } else {
                        buffer.writeString(row.csvLine + "\n")
                    }
                    first = false
                    if buffer.readableBytes >= 64 * 1024 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
            } catch {
                logger.error("the disbursement export stopped", metadata: ["chitra.unit": "\(district)", "chitra.period": "\(period)",
                                                                          "error": "\(error)"])
                throw error
            }
            if json { buffer.writeString("]\n") }
            try await writer.write(buffer)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
