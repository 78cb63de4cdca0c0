import Foundation
import NIOCore
import NIOFoundationCompat
import NIOPosix

/// Keeps every file the simulator receives and sends (`--archive DIR`): `bank/` and `wallet/`,
/// named by sequence, message and direction, so that tests can validate each against the schema.
struct Archive: Sendable {
    let folder: URL

    init(path: String) throws {
        folder = URL(fileURLWithPath: path, isDirectory: true)
        for rail in ["bank", "wallet"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(rail), withIntermediateDirectories: true)
        }
    }

    /// Writes on NIO's pool for blocking work, never on the request's thread.
    func keep(_ body: ByteBuffer, rail: String, name: String) async {
        let url = folder.appendingPathComponent(rail).appendingPathComponent(name)
        let data = Data(buffer: body)
        _ = try? await NIOThreadPool.singleton.runIfActive { try data.write(to: url) }
    }
}

/// Names of archived files, in order of arrival.
actor ArchiveCounter {
    private var next = 0
    func name(_ stem: String, _ suffix: String) -> String {
        next += 1
        return String(format: "%07d", next) + "-" + stem + "-" + suffix
    }
}
