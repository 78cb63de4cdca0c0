/// Vietnamese banks by their Napas BIN, the six digits a register names a bank by: the name an
/// official knows them by. A BIN not listed here is shown as it is.
public enum NapasBanks {
    public static func name(_ bin: String) -> String? { names[bin] }

    static let names: [String: String] = [
        "970405": "Agribank", "970436": "Vietcombank", "970418": "BIDV", "970415": "VietinBank", "970449": "LPBank",
        "970422": "MB", "970407": "Techcombank", "970432": "VPBank", "970423": "TPBank", "970403": "Sacombank",
        "970416": "ACB", "970437": "HDBank", "970441": "VIB", "970443": "SHB", "970448": "OCB", "970426": "MSB",
        "970431": "Eximbank", "970440": "SeABank", "970454": "Bản Việt", "970452": "KienlongBank", "970428": "Nam A Bank",
        "970409": "Bac A Bank", "970412": "PVcomBank", "970419": "NCB", "970427": "VietABank", "970438": "BaoViet Bank",
        "970400": "Saigonbank", "970430": "PGBank", "970425": "ABBANK", "970406": "DongA Bank", "970433": "Vietbank",
        "970421": "VRB", "970434": "Indovina", "970424": "Shinhan Bank", "970457": "Woori Bank",
    ]
}
