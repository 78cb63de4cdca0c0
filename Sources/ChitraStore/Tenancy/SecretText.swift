import Crypto

/// Random secrets (passwords, API tokens) from the system's cryptographic generator.
public enum SecretText {
    static let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// `length` characters of letters and digits, without the ones that read alike (l/1, O/0).
    public static func random(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The SHA-256 of `text`'s UTF-8, as stored for a token.
    public static func sha256(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }
}
