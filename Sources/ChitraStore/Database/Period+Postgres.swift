import ChitraCore
import NIOCore
import PostgresNIO

/// A month is bound as the `date` of its first day (PostgreSQL's binary date: days since
/// 2000-01-01), the one way every statement passes a period.
extension Period: PostgresNonThrowingEncodable {
    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(Int32(Day(period: self, day: 1).daysSince2000))
    }
}
