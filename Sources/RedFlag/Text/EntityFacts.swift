/// Approximate US-dollar value of one unit of each currency, for comparing pay across currencies. Rough rates of
/// late 2025; a heuristic threshold is far coarser than their drift.
enum USDRates {
    static let perUnit: [String: Double] = [
        "USD": 1, "USDT": 1, "USDC": 1, "EUR": 1.08, "GBP": 1.27, "CHF": 1.13, "PHP": 0.0175, "VND": 0.00004,
        "IDR": 0.000063, "MYR": 0.21, "THB": 0.028, "CNY": 0.14, "BRL": 0.18, "MXN": 0.055, "INR": 0.012,
        "SGD": 0.74, "AED": 0.27, "HKD": 0.128, "AUD": 0.65, "CAD": 0.73, "TWD": 0.031, "KRW": 0.00073,
        "XOF": 0.00165, "MAD": 0.1,
    ]
}

extension Entity {
    /// For money with a period: what it is worth per working day in US dollars.
    public var usdPerDay: Double? {
        guard kind == .money, case .number(let perDay)? = self["per_day"], case .string(let currency)? = self["currency"],
            let rate = USDRates.perUnit[currency]
        else { return nil }
        return perDay * rate
    }

    /// A way to reach someone in private: a chat handle, a chat-app link, or a phone number.
    var isChatContact: Bool {
        switch kind {
        case .handle, .phone: return true
        case .url: return self["messaging"] != nil
        default: return false
        }
    }

    /// A way to reach an organisation on its own domain: a website that is not a chat link or a shortener, or an
    /// e-mail address that is not free mail.
    var isOrganisationContact: Bool {
        switch kind {
        case .url: return self["messaging"] == nil && self["shortener"] == nil
        case .email: return self["free_mail"] != .bool(true)
        default: return false
        }
    }
}
