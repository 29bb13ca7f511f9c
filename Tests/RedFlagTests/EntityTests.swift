import Testing

@testable import RedFlag

@Suite struct EntityTests {
    let extractor = EntityExtractor()

    func only(_ kind: Entity.Kind, in text: String) -> [Entity] {
        extractor.entities(in: text).filter { $0.kind == kind }
    }

    struct MoneyCase: Sendable, CustomTestStringConvertible {
        let text: String
        let matched: String
        let amount: Double
        let currency: String
        let period: String?
        let perDay: Double?
        var testDescription: String { text }
    }

    static let money: [MoneyCase] = [
        MoneyCase(text: "Earn $300/day for 1 hour", matched: "$300/day", amount: 300, currency: "USD", period: "day", perDay: 300),
        MoneyCase(text: "Gagnez 3.000,50 € par semaine sans expérience", matched: "3.000,50 € par semaine", amount: 3000.5, currency: "EUR", period: "week", perDay: 600.1),
        MoneyCase(text: "salary 3,000.50 USD per month", matched: "3,000.50 USD per month", amount: 3000.5, currency: "USD", period: "month", perDay: 136.39),
        MoneyCase(text: "£450 per week, paid weekly", matched: "£450 per week", amount: 450, currency: "GBP", period: "week", perDay: 90),
        MoneyCase(text: "Recharge 350 USDT now", matched: "350 USDT", amount: 350, currency: "USDT", period: nil, perDay: nil),
        MoneyCase(text: "kumita ng ₱1,500 bawat araw", matched: "₱1,500 bawat araw", amount: 1500, currency: "PHP", period: "day", perDay: 1500),
        MoneyCase(text: "lương 35 triệu đồng mỗi tháng", matched: "35 triệu đồng mỗi tháng", amount: 35_000_000, currency: "VND", period: "month", perDay: 1_590_909.09),
        MoneyCase(text: "gaji Rp 15.000.000 per bulan", matched: "Rp 15.000.000 per bulan", amount: 15_000_000, currency: "IDR", period: "month", perDay: 681_818.18),
        MoneyCase(text: "Ganhe R$ 300 por dia", matched: "R$ 300 por dia", amount: 300, currency: "BRL", period: "day", perDay: 300),
        MoneyCase(text: "ganancias de 50 dólares al día", matched: "50 dólares al día", amount: 50, currency: "USD", period: "day", perDay: 50),
        MoneyCase(text: "RM 8000 sebulan", matched: "RM 8000", amount: 8000, currency: "MYR", period: nil, perDay: nil),
        MoneyCase(text: "50 CHF pro Stunde", matched: "50 CHF pro Stunde", amount: 50, currency: "CHF", period: "hour", perDay: 400),
        MoneyCase(text: "日薪500元，包吃住", matched: "日薪500元", amount: 500, currency: "CNY", period: "day", perDay: 500),
        MoneyCase(text: "月薪3万起", matched: "月薪3万", amount: 30_000, currency: "CNY", period: "month", perDay: 1363.64),
        MoneyCase(text: "up to $3k a week", matched: "$3k a week", amount: 3000, currency: "USD", period: "week", perDay: 600),
        MoneyCase(text: "฿30,000 per month", matched: "฿30,000 per month", amount: 30_000, currency: "THB", period: "month", perDay: 1363.64),
    ]

    @Test(arguments: money)
    func parsesMoney(_ item: MoneyCase) throws {
        let found = try #require(only(.money, in: item.text).first, "no money in \(item.text)")
        #expect(found.text == item.matched)
        #expect(UTF8Offsets.slice(item.text, from: found.start, to: found.end) == found.text)
        #expect(found["amount"] == .number(item.amount))
        #expect(found["currency"] == .string(item.currency))
        #expect(found["period"] == item.period.map { .string($0) })
        if let perDay = item.perDay, case .number(let value)? = found["per_day"] {
            #expect(abs(value - perDay) < 0.01)
        } else {
            #expect(item.perDay == nil && found["per_day"] == nil)
        }
    }

    @Test func parsesRanges() throws {
        let found = try #require(only(.money, in: "2,500-3,000 USD per month").first)
        #expect(found["amount"] == .number(2500))
        #expect(found["amount_max"] == .number(3000))
        #expect(found["per_day"] == .number(136.36))
    }

    @Test(arguments: [("3.000,50", 3000.5), ("3,000.50", 3000.5), ("3.000", 3000), ("3,5", 3.5), ("1 500", 1500), ("300", 300), ("12,345,678", 12_345_678)])
    func parsesNumbers(_ text: String, _ value: Double) {
        #expect(EntityParser.parseNumber(text) == value)
    }

    @Test func findsURLs() {
        let urls = only(.url, in: "Join t.me/hr_anna or https://wa.me/15550134567, see bit.ly/3xYz and www.xn--80ak6aa92e.com/jobs. Also careers.northwind.example/apply.")
        #expect(urls.map(\.text) == ["t.me/hr_anna", "https://wa.me/15550134567", "bit.ly/3xYz", "www.xn--80ak6aa92e.com/jobs", "careers.northwind.example/apply"])
        #expect(urls[0]["messaging"] == .string("telegram"))
        #expect(urls[1]["messaging"] == .string("whatsapp"))
        #expect(urls[2]["shortener"] == .bool(true))
        #expect(urls[3]["punycode"] == .bool(true))
        #expect(urls[4]["host"] == .string("careers.northwind.example"))
    }

    @Test func findsEmailsAndFlagsFreeMail() {
        let emails = only(.email, in: "Write to hr.northwind@gmail.com or jobs@northwind.example.")
        #expect(emails.map(\.text) == ["hr.northwind@gmail.com", "jobs@northwind.example"])
        #expect(emails[0]["free_mail"] == .bool(true))
        #expect(emails[1]["free_mail"] == .bool(false))
        #expect(only(.url, in: "Write to hr.northwind@gmail.com").isEmpty)
    }

    @Test(arguments: [
        ("Call +1 555-0134-567 now", "+15550134567", true),
        ("Appelez le 06 39 98 12 34", "0639981234", false),
        ("WhatsApp +44 7700 900123", "+447700900123", true),
        ("Ligue (11) 90000-0012", "11900000012", false),
        ("hubungi 0812-3456-7890", "081234567890", false),
        ("gọi 0912 345 678", "0912345678", false),
        ("call 0063 917 123 4567", "+639171234567", true),
    ])
    func findsPhoneNumbers(_ text: String, _ number: String, _ international: Bool) throws {
        let phone = try #require(only(.phone, in: text).first, "no phone in \(text)")
        #expect(phone["number"] == .string(number))
        #expect(phone["international"] == .bool(international))
    }

    @Test func datesAndShortNumbersAreNotPhones() {
        #expect(only(.phone, in: "Start on 12/05/2026, 3 shifts of 8 hours").isEmpty)
        #expect(only(.phone, in: "Reference 12345").isEmpty)
    }

    @Test func findsHandles() {
        let handles = only(.handle, in: "Add @hr_lisa on Telegram, WeChat ID: wx_anna88, 加vx: abc123, Line: job.thai, mail a@b.example")
        #expect(handles.map(\.text) == ["@hr_lisa", "WeChat ID: wx_anna88", "vx: abc123", "Line: job.thai"])
        #expect(handles.map { $0["platform"] } == [.string("unknown"), .string("wechat"), .string("wechat"), .string("line")])
        #expect(handles[1]["handle"] == .string("wx_anna88"))
    }

    @Test func findsWallets() {
        let text = "Send to 0x52908400098527886E0F7030069857D2E4169EE7 or TXyz9kQ2Lm4Np8Rs7Tu6Vw5Xa3Bc1De2Fg or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, not to 1234567890123456789012345678"
        let wallets = only(.cryptoWallet, in: text)
        #expect(wallets.map { $0["chain"] } == [.string("ethereum"), .string("tron"), .string("bitcoin")])
    }

    @Test func entitiesAppearInTheVerdictJSON() throws {
        let scanner = RuleScanner(ruleSet: try RuleSet.embedded())
        let line = scanner.classify("Earn $300/day, add me on t.me/hr_anna").json(id: .line(1))
        #expect(line.contains(#""entities":[{"type":"money","text":"$300/day","start":5,"end":13,"value":{"amount":300,"currency":"USD","period":"day","per_day":300}},{"type":"url","text":"t.me/hr_anna""#))
    }
}

@Suite struct LanguageIdentifierTests {
    @Test(arguments: [
        ("en", "We are looking for a customer service agent to join our team in Bangkok, with a competitive salary."),
        ("fr", "Nous recherchons un agent du service client pour rejoindre notre équipe à Bangkok, avec un salaire attractif."),
        ("es", "Buscamos un agente de atención al cliente para unirse a nuestro equipo en Bangkok, con un salario competitivo."),
        ("pt", "Procuramos um agente de atendimento ao cliente para se juntar à nossa equipe em Bangkok, com um salário competitivo."),
        ("de", "Wir suchen einen Mitarbeiter im Kundenservice für unser Team in Bangkok, mit einem attraktiven Gehalt."),
        ("id", "Kami sedang mencari agen layanan pelanggan untuk bergabung dengan tim kami di Bangkok, dengan gaji yang kompetitif."),
        ("vi", "Chúng tôi đang tìm nhân viên chăm sóc khách hàng làm việc tại Bangkok, mức lương cạnh tranh và môi trường tốt."),
        ("zh", "我们正在招聘客服人员，工作地点在曼谷，薪资优厚，包吃包住。"),
        ("tl", "Naghahanap kami ng customer service agent na sasali sa aming team sa Bangkok, may magandang sahod at benepisyo para sa inyo."),
    ])
    func identifiesTheLanguagesRulesAreWrittenFor(_ code: String, _ text: String) throws {
        let identifier = try #require(LanguageIdentifier())
        #expect(identifier.identify(text) == code)
    }

    @Test func tooShortToTell() throws {
        let identifier = try #require(LanguageIdentifier())
        #expect(identifier.identify("ok") == nil)
        #expect(identifier.identify("") == nil)
    }

    @Test(arguments: [
        ("vi", "Cong viec nhe nhang tai nha, khong can kinh nghiem, moi ngay duoc tra 500k, ban chi can co dien thoai va lam theo huong dan cua minh"),
        ("tl", "Hindi po kayo magbabayad ng kahit ano, ang sahod ay ibibigay namin sa inyo ngayon din kung tapos na ang trabaho"),
        ("id", "Kami tidak akan meminta uang dari anda, gaji dibayar setiap minggu dan anda bisa bekerja dari rumah dengan mudah"),
    ])
    func functionWordsTellTheLanguagesTheFingerprintsMiss(_ code: String, _ text: String) throws {
        #expect(LanguageIdentifier.functionWordLanguage(text) == code)
        // The identifier puts it first among its candidates, so that language's rules run.
        let identifier = try #require(LanguageIdentifier())
        #expect(identifier.candidates(for: text).first == code)
    }

    @Test(arguments: [
        "We are looking for a customer service agent to join our team in Bangkok, with a competitive salary and a visa.",
        "Nous recherchons un agent du service client pour la saison, il va de soi que le salaire est attractif.",
        "Hay trabajo, se paga la semana y se cobra en casa",
        "La mission va se faire en ligne et la paie se fait le soir",
        "La formation se fait en ligne et va durer une semaine",
        "Trabalho em casa, se quiser da para ganhar mais na semana",
        "Il lavoro si fa da casa, chi vuole se la sente e va bene",
        "Buscamos un agente de atención al cliente, se ofrece un salario competitivo y la posibilidad de crecer.",
        "Procuramos um agente de atendimento ao cliente na nossa equipe, com um salário competitivo e da casa.",
        "short text",
    ])
    func functionWordsStayQuietOnOtherLanguages(_ text: String) {
        #expect(LanguageIdentifier.functionWordLanguage(text) == nil)
    }
}
