@testable import ChitraWorker
import Foundation
import Testing

@Suite("Child processes")
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

    @Test("a zombie's status is read from /proc")
    func zombieStatus() async throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "sleep 30"])
        #expect(ChildProcess.procState(pid: child.pid) == .running)
        child.signal(SIGKILL)
        #expect(await child.waitForExit() == SIGKILL)
        #expect(ChildProcess.procState(pid: 999_999_999) == .gone)
    }
}
