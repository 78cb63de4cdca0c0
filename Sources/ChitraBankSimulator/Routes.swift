import ChitraCore
import ChitraRails
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The simulator's HTTP interface (documented in `openapi.yaml`).
struct Routes: Sendable {
    let gateway: Gateway
    let archive: Archive?
    let counter = ArchiveCounter()
    static let maximumUpload = 256 << 20

    func add(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ledger") { _, _ in try await self.ledger() }
        router.put("/faults") { request, _ in try await self.setFaults(request) }
        router.post("/bank/pain001") { request, _ in try await self.paymentFile(request) }
        router.get("/bank/transactions/:id") { _, context in try await self.bankInquiry(context.parameters.require("id")) }
        router.get("/bank/messages/:id") { _, context in try await self.bankMessageInquiry(context.parameters.require("id")) }
        router.get("/bank/statements/:account") { request, context in
            try await self.statement(context.parameters.require("account"), day: request.uri.queryParameters.get("date"))
        }
        router.get("/bank/notifications/:account") { request, context in
            try await self.notification(context.parameters.require("account"), day: request.uri.queryParameters.get("date"))
        }
        router.post("/bank/recalls") { request, _ in try await self.recall(request) }
        router.put("/calendar") { request, _ in try await self.moveCalendar(request) }
        router.get("/wallet/:provider/batches/:id") { _, context in
            try await self.walletBatchInquiry(context.parameters.require("id"), provider: context.parameters.require("provider"))
        }
        router.post("/wallet/:provider/batches") { request, context in
            try await self.walletBatch(request, provider: context.parameters.require("provider"))
        }
        router.get("/wallet/:provider/transfers/:id") { _, context in
            try await self.walletInquiry(context.parameters.require("id"), provider: context.parameters.require("provider"))
        }
    }

    // MARK: Bank

    func paymentFile(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumUpload)
        let stem = "pain001"
        await keep(body, rail: "bank", stem: stem, suffix: "in.xml")
        let file: Pain001Reader.PaymentFile
        do { file = try Pain001Reader.read(Data(buffer: body)) } catch {
            return Self.text(.badRequest, "The payment file was refused: \(error.description).\n")
        }
        return try await withFault(contentType: "application/xml", apply: { await self.gateway.receive(file.transfers, rail: .bank, batchID: file.messageID, debtor: file.debtor,
                                                                                batchBooking: file.batchBooking) }) { statuses in
            let report = PaymentStatusReport(
                messageID: await self.gateway.nextReportID(), createdAt: ISOTime.vietnam(Date()), originalMessageID: file.messageID,
                groupStatus: Self.groupStatus(statuses.map(\.1)), paymentInformationID: file.paymentInformationID,
                transactions: statuses.map { Self.transaction($0.0, $0.1) })
            var answer = ByteBuffer()
            try Pain002Writer.write(report) { answer.writeString($0) }
            await self.keep(answer, rail: "bank", stem: file.messageID, suffix: "out.xml")
            return answer
        }
    }

    /// The debtor account's end-of-day statement (camt.053.001.08) of a day that has ended.
    func statement(_ account: String, day text: String?) async throws -> Response {
        try await accountDocument(day: text, missing: { "No statement of account \(account) for \($0): no such account, or the day has not ended.\n" }) {
            await self.gateway.statement(account, on: $0).map(Camt053Writer.document)
        }
    }

    /// `GET /bank/notifications/{account}?date=`: the day's entries so far as a camt.054.
    func notification(_ account: String, day text: String?) async throws -> Response {
        try await accountDocument(day: text, missing: { "No entries of account \(account) on \($0) yet.\n" }) {
            await self.gateway.notification(account, on: $0).map(Camt054Writer.document)
        }
    }

    /// A document of an account's day (`?date=`), or why there is none.
    private func accountDocument(day text: String?, missing: (Day) -> String, _ document: (Day) async -> String?) async throws -> Response {
        guard let text, let day = Day(text) else { return Self.text(.badRequest, "Ask for a day: ?date=YYYY-MM-DD.\n") }
        guard let document = await document(day) else { return Self.text(.notFound, missing(day)) }
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }

    /// `POST /bank/recalls`: a recall of a debit (the EndToEndId, the entry's reference, the reason),
    /// answered by a camt.029: a second debit is given back as a credit on the day's statement
    /// (CNCL); any other is refused (RJCR with its reason).
    func recall(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4096)
        guard let recall = try? JSONDecoder().decode(RecallRequest.self, from: Data(buffer: body)), recall.reason == "DUPL" else {
            return Self.text(.badRequest, "Send {\"account\", \"entry\", \"end_to_end_id\", \"reason\": \"DUPL\"}.\n")
        }
        let resolution = await gateway.recall(recall)
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: Camt029.document(resolution))))
    }

    /// `PUT /calendar {"days_ahead": N}`: the simulator's calendar runs N days ahead of today.
    func moveCalendar(_ request: Request) async throws -> Response {
        struct Move: Decodable { var days_ahead: Int }
        var request = request
        let body = try await request.collectBody(upTo: 1024)
        guard let move = try? JSONDecoder().decode(Move.self, from: Data(buffer: body)) else {
            return Self.text(.badRequest, "Send {\"days_ahead\": N}.\n")
        }
        await gateway.moveCalendar(to: move.days_ahead)
        return Self.text(.ok, "The calendar is \(await gateway.today()).\n")
    }

    func bankInquiry(_ id: String) async throws -> Response {
        try await withFault(contentType: "application/xml", apply: { await self.gateway.inquire(id, rail: .bank) }) { found in
            guard let found else { return nil }
            let report = PaymentStatusReport(messageID: await self.gateway.nextReportID(), createdAt: ISOTime.vietnam(Date()),
                                             originalMessageID: found.batchID, paymentInformationID: found.batchID,
                                             transactions: [Self.transaction(id, found.status)])
            var answer = ByteBuffer()
            try Pain002Writer.write(report) { answer.writeString($0) }
            await self.keep(answer, rail: "bank", stem: "inquiry-\(id)", suffix: "out.xml")
            return answer
        }
    }

    func bankMessageInquiry(_ messageID: String) async throws -> Response {
        try await withFault(contentType: "application/xml", apply: { await self.gateway.inquire(batch: messageID, rail: .bank) }) { found in
            guard let found else { return nil }
            let report = PaymentStatusReport(messageID: await self.gateway.nextReportID(), createdAt: ISOTime.vietnam(Date()),
                                             originalMessageID: messageID, groupStatus: Self.groupStatus(found.map(\.1)),
                                             paymentInformationID: messageID, transactions: found.map { Self.transaction($0.0, $0.1) })
            var answer = ByteBuffer()
            try Pain002Writer.write(report) { answer.writeString($0) }
            await self.keep(answer, rail: "bank", stem: "inquiry-\(messageID)", suffix: "out.xml")
            return answer
        }
    }

    static func transaction(_ id: String, _ status: Gateway.Status) -> PaymentStatusReport.Transaction {
        switch status {
        case .paid: PaymentStatusReport.Transaction(endToEndID: id, status: "ACSC")
        case .pending: PaymentStatusReport.Transaction(endToEndID: id, status: "PDNG")
        case .rejected(let code): PaymentStatusReport.Transaction(endToEndID: id, status: "RJCT", reason: code)
        }
    }

    static func groupStatus(_ statuses: [Gateway.Status]) -> String {
        if statuses.allSatisfy({ $0 == .paid }) { return "ACSC" }
        if statuses.allSatisfy(\.isRejected) { return "RJCT" }
        return "PART"
    }

    // MARK: Wallet

    func walletBatch(_ request: Request, provider: String) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumUpload)
        await keep(body, rail: "wallet", stem: "batch", suffix: "in.json")
        let batch: WalletBatch
        do { batch = try JSONDecoder().decode(WalletBatch.self, from: Data(buffer: body)) } catch {
            return Self.text(.badRequest, "The wallet batch was refused: it is not a batch (\(error)).\n")
        }
        guard batch.provider == provider else {
            return Self.text(.badRequest, "The wallet batch was refused: it is for provider \(batch.provider), not \(provider).\n")
        }
        if let bad = batch.transfers.first(where: { $0.amountVND <= 0 || $0.walletID.isEmpty || $0.endToEndID.isEmpty }) {
            return Self.text(.badRequest, "The wallet batch was refused: transfer '\(bad.endToEndID)' has no wallet or no positive amount.\n")
        }
        let transfers = batch.transfers.map {
            TransferInstruction(endToEndID: $0.endToEndID, beneficiaryID: "", amount: Money(dong: $0.amountVND), institution: provider,
                                account: $0.walletID, creditorName: $0.name)
        }
        return try await withFault(contentType: "application/json", apply: {
            await self.gateway.receive(transfers, rail: .wallet, batchID: batch.batchID, debtor: batch.debtor)
        }) { statuses in
            let amounts = Dictionary(uniqueKeysWithValues: batch.transfers.map { ($0.endToEndID, $0.amountVND) })
            let answer = WalletBatchAnswer(batchID: batch.batchID, results: statuses.map {
                Self.walletStatus($0.0, $0.1, amount: amounts[$0.0] ?? 0)
            })
            let buffer = ByteBuffer(data: try JSONEncoder().encode(answer))
            await self.keep(buffer, rail: "wallet", stem: batch.batchID, suffix: "out.json")
            return buffer
        }
    }

    func walletInquiry(_ id: String, provider: String) async throws -> Response {
        try await withFault(contentType: "application/json", apply: { await self.gateway.inquire(id, rail: .wallet) }) { found in
            guard let found else { return nil }
            return ByteBuffer(data: try JSONEncoder().encode(Self.walletStatus(id, found.status, amount: found.amount)))
        }
    }

    func walletBatchInquiry(_ batchID: String, provider: String) async throws -> Response {
        try await withFault(contentType: "application/json", apply: { await self.gateway.inquire(batch: batchID, rail: .wallet) }) { found in
            guard let found else { return nil }
            let answer = WalletBatchAnswer(batchID: batchID, results: found.map { Self.walletStatus($0.0, $0.1, amount: $0.2) })
            return ByteBuffer(data: try JSONEncoder().encode(answer))
        }
    }

    static func walletStatus(_ id: String, _ status: Gateway.Status, amount: Int64) -> WalletTransferStatus {
        switch status {
        case .paid: WalletTransferStatus(endToEndID: id, status: .paid, amountVND: amount)
        case .pending: WalletTransferStatus(endToEndID: id, status: .pending, amountVND: amount)
        case .rejected(let code): WalletTransferStatus(endToEndID: id, status: .rejected, reason: code, amountVND: amount)
        }
    }

    // MARK: Faults, ledger

    /// Applies the request's fault around its work: a 503 or a timeout before anything is applied;
    /// a lost response after (the connection drops mid-answer); a slow answer. `answer` returning
    /// nil means 404 (an inquiry about a transfer that never arrived).
    func withFault<Applied: Sendable>(contentType: String, apply: () async -> Applied,
                                      answer: (Applied) async throws -> ByteBuffer?) async throws -> Response {
        let fault = await gateway.requestFault()
        switch fault {
        case .serverError:
            return Self.text(.serviceUnavailable, "The gateway is busy; nothing was applied.\n")
        case .timeout(let delay):
            try await Task.sleep(for: delay)
            return Self.dropped()
        case .slow(let delay):
            try await Task.sleep(for: delay)
        case .none, .lostResponse, .badAnswer:
            break
        }
        let applied = await apply()
        let body = try await answer(applied)
        if case .lostResponse = fault { return Self.dropped() }
        guard var body else { return Self.text(.notFound, "No such transfer was ever received.\n") }
        if case .badAnswer(let kind) = fault { body = BadAnswers.spoil(body, kind: kind, json: contentType.hasSuffix("json")) }
        return Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: body))
    }

    struct Dropped: Error {}

    /// A response whose body breaks off: the server closes the connection and the client never
    /// reads an answer.
    static func dropped() -> Response {
        Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: ResponseBody(contentLength: 1_000) { writer in
            try await writer.write(ByteBuffer(string: "<"))
            throw Dropped()
        })
    }

    func ledger() async throws -> Response {
        let credits = await gateway.credits()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(data: try encoder.encode(credits))))
    }

    func setFaults(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        let plan: FaultPlan
        do {
            switch text {
            case "none": plan = .none
            case "realistic": plan = .realistic
            default: plan = try FaultPlan.parsed(Data(text.utf8), source: "the body")
            }
        } catch { return Self.text(.badRequest, "\(error)\n") }
        await gateway.setPlan(plan)
        return Self.text(.ok, "faults set\n")
    }

    func keep(_ body: ByteBuffer, rail: String, stem: String, suffix: String) async {
        guard let archive else { return }
        await archive.keep(body, rail: rail, name: await counter.name(stem, suffix))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
