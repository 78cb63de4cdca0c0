import ChitraLocal
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

@Suite("Child processes", .machine(limit: .minutes(2)))
struct ChildProcessTests {
    @Test("exit codes and killing signals come back, for many children ended at once")
    func exits() async throws {
        let children = try (0..<20).map { index in
            try ChildProcess(executable: "/bin/sh", arguments: ["-c", index % 2 == 0 ? "exit \(index % 7)" : "sleep 30"])
        }
        for (index, child) in children.enumerated() where index % 2 == 1 { child.signal(SIGKILL) }
        for (index, child) in children.enumerated() {
            let status = await child.waitForExit()
            #expect(status == (index % 2 == 0 ? Int32(index % 7) : SIGKILL), "child \(index)")
        }
    }

    /// A child holds no descriptor of this process but its standard three: none of the sockets,
    /// log files or other children's pipes open here at the moment it starts (with one held, a
    /// sibling's or a server's end would outlive its owner).
    @Test("a child inherits only standard input, output and error, whatever this process holds open")
    func onlyStandardDescriptors() async throws {
        let log = NSTemporaryDirectory() + "chitra-fds-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let held = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/null"))
        defer { try? held.close() }
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exec ls /proc/self/fd"], logPath: log)
        #expect(await child.waitForExit() == 0)
        // ls's own listing of the folder is the fourth.
        let descriptors = try String(contentsOfFile: log, encoding: .utf8).split(whereSeparator: \.isWhitespace)
        #expect(descriptors == ["0", "1", "2", "3"], "held open here: \(held.fileDescriptor)")
    }

    @Test("a short child's exit is seen while long-lived siblings started at the same moment still run")
    func exitSeenBesideLongSiblings() async throws {
        try await withThrowingTaskGroup(of: ChildProcess?.self) { group in
            for index in 0..<60 {
                group.addTask {
                    if index % 2 == 0 {
                        return try ChildProcess(executable: "/bin/sleep", arguments: ["600"])
                    }
                    let short = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 3"])
                    #expect(await short.waitForExit() == 3)
                    return nil
                }
            }
            var siblings: [ChildProcess] = []
            for try await sibling in group { if let sibling { siblings.append(sibling) } }
            #expect(siblings.allSatisfy { !$0.hasExited })
            for sibling in siblings { sibling.signal(SIGKILL) }
            for sibling in siblings { #expect(await sibling.waitForExit() == SIGKILL) }
        }
    }
}
