import Foundation

@testable import RedFlag

/// Builds in-memory pattern sets for tests.
enum Fixture {
    static let tactics = """
        tactics:
          - id: offplatform
            describe: Moves the talk to a chat app
          - id: upfront_fee
            describe: Asks for money first
          - id: task_scam
            describe: Paid tasks with top-ups
          - id: legitimacy
            describe: Signs of a genuine employer
        """

    static let settings = """
        name: test-set
        version: 1.0.0
        bias: -3
        thresholds:
          suspicious: 0.5
          scam: 0.9
        """

    /// A pattern set with the given rules file(s); `ruleset` and `tactics` may be replaced.
    static func files(
        _ rules: String, more: [String: String] = [:], settings: String = settings, tactics: String = tactics
    ) -> PatternFiles {
        var list = [
            PatternFiles.File(relativePath: "ruleset.yaml", displayPath: "set/ruleset.yaml", contents: settings),
            PatternFiles.File(relativePath: "tactics.yaml", displayPath: "set/tactics.yaml", contents: tactics),
            PatternFiles.File(relativePath: "rules/a.yaml", displayPath: "set/rules/a.yaml", contents: rules),
        ]
        for (name, contents) in more {
            list.append(PatternFiles.File(relativePath: "rules/\(name)", displayPath: "set/rules/\(name)", contents: contents))
        }
        return PatternFiles(files: list)
    }

    /// The diagnostics a set fails with (none when it loads).
    static func diagnostics(_ files: PatternFiles) -> [Diagnostic] {
        do {
            _ = try RuleSet.load(files)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// A small valid set: two chat-app rules, a fee rule, a legitimacy rule, a sub-rule and meta rules.
    static let sample = """
        rules:
          - id: OFF_TELEGRAM
            tactic: offplatform
            weight: 1.5
            languages: [any]
            describe: Names Telegram
            pattern: '\\btelegram\\b'
            match: ["write to me on Telegram"]
            nomatch: ["telegrams were sent in 1900"]
          - id: FEE_TRAINING
            tactic: upfront_fee
            weight: 2.5
            languages: [en]
            describe: Asks for a training fee
            pattern: '\\btraining fee\\b'
            match: ["pay the training fee"]
            nomatch: ["there is no fee for training"]
          - id: __USDT
            languages: [any]
            pattern: '\\busdt\\b'
          - id: TASK_RECHARGE_FR
            tactic: task_scam
            weight: 3
            languages: [fr]
            describe: Asks to top up an account to unlock tasks
            describe-local: {fr: Demande de recharger un compte pour débloquer des tâches}
            pattern: '\\brechargez\\b'
            match: ["rechargez votre compte"]
            nomatch: ["recharger la batterie du téléphone"]
          - id: LEGIT_INTERVIEW
            tactic: legitimacy
            weight: -2
            languages: [en]
            describe: Describes a real interview process
            pattern: '\\bvideo interview\\b'
            match: ["a video interview with the team"]
            nomatch: ["no interview needed"]
          - id: COMBO_CHAT_AND_FEE
            tactic: upfront_fee
            weight: 2
            languages: [any]
            describe: Moves to a chat app and asks for money
            meta: 'OFF_TELEGRAM && (FEE_TRAINING || TASK_RECHARGE_FR)'
            match: ["pay the training fee and write on Telegram"]
            nomatch: ["write to me on Telegram"]
          - id: COMBO_CRYPTO_TASKS
            tactic: task_scam
            weight: 1
            languages: [any]
            describe: Two of recharge, crypto and a chat app
            meta: '2 of (TASK_RECHARGE_FR, __USDT, OFF_TELEGRAM)'
            match: ["rechargez 50 USDT"]
            nomatch: ["50 USDT"]
        """
}
