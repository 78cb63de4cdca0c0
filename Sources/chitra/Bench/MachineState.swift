import Foundation

/// The machine as a benchmark found it when it started: cores and memory, and two quick probes —
/// a fixed piece of CPU work, and small writes each made durable with fsync in the benchmark's
/// folder — so that a figure taken on a slow (or busy) machine shows as such beside it. The
/// commit measured is what `CHITRA_BENCH_COMMIT` says (the scripts in ops/bench set it).
struct MachineState: Codable, Sendable, CustomStringConvertible {
    var cores: Int
    var memoryGiB: Int
    /// Milliseconds of one fixed computation on one core (lower is faster).
    var cpuProbeMilliseconds: Double
    /// Median milliseconds of a 4 KiB write and its fsync.
    var fsyncMilliseconds: Double
    var commit: String

    /// Taken by `bench` before it starts a benchmark; the results made inside read it.
    @TaskLocal static var atStart: MachineState?

    /// Runs `body` (a benchmark) with the machine probed first, and says what the probe found.
    static func probing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let state = try probe()
        print("The machine at the start: \(state)")
        return try await $atStart.withValue(state) { try await body() }
    }

    /// What a result records: the probe taken at the start, or (outside `bench`) the bare machine.
    static var current: MachineState {
        atStart ?? MachineState(cores: ProcessInfo.processInfo.activeProcessorCount,
                                memoryGiB: Int(ProcessInfo.processInfo.physicalMemory >> 30), cpuProbeMilliseconds: 0,
                                fsyncMilliseconds: 0, commit: Self.commitMeasured)
    }

    var description: String {
        "\(cores) cores, \(memoryGiB) GiB, probe: fixed CPU work \(String(format: "%.0f", cpuProbeMilliseconds)) ms, "
            + "fsync \(String(format: "%.2f", fsyncMilliseconds)) ms, commit \(commit)"
    }

    static var commitMeasured: String { ProcessInfo.processInfo.environment["CHITRA_BENCH_COMMIT"] ?? "unknown" }

    /// Probes the machine (about a second); the writes go where the private clusters live.
    static func probe(folder: String = NSTemporaryDirectory()) throws -> MachineState {
        let clock = ContinuousClock()
        let started = clock.now
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<30_000_000 as Range<UInt64> {
            state = (state &* 6_364_136_223_846_793_005 &+ index) ^ (state >> 29)
        }
        let cpu = clock.now - started
        // The result is used, or the work would be optimised away.
        if state == 0 { FileHandle.standardError.write(Data("the probe's generator reached zero\n".utf8)) }

        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("fsync-probe-\(getpid())")
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ValidationErrorText("cannot write the fsync probe in \(folder)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let block = Data(repeating: 0x5A, count: 4096)
        var latencies: [Double] = []
        for _ in 0..<100 {
            let before = clock.now
            try handle.write(contentsOf: block)
            try handle.synchronize()
            latencies.append((clock.now - before).milliseconds)
        }
        latencies.sort()
        return MachineState(cores: ProcessInfo.processInfo.activeProcessorCount, memoryGiB: Int(ProcessInfo.processInfo.physicalMemory >> 30),
                            cpuProbeMilliseconds: cpu.milliseconds, fsyncMilliseconds: latencies[latencies.count / 2],
                            commit: commitMeasured)
    }

    struct ValidationErrorText: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

extension Duration {
    fileprivate var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}
