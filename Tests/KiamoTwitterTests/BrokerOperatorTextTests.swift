import Testing

@testable import KiamoTwitter

/// The operator's policy lines and the placeholder check read what an operator writes.
@Suite struct BrokerOperatorTextTests {
    @Test func policyCommandsAreWhatRabbitmqctlTakes() {
        let commands = Topology(bounds: Topology.QueueBounds(reportsMaxLength: 7, reportsMaxAge: .seconds(60))).policyCommands()
        #expect(
            commands.first
                == #"rabbitmqctl set_policy -p '/' --apply-to queues --priority 10 'kiamo.twitter.reports' '^(kiamo\.twitter\.reports)$' '{"max-length":7,"message-ttl":60000,"overflow":"drop-head"}'"#
        )
        #expect(commands.count == 2)
    }

    @Test func namesAreTakenLiterallyInPermissionPatterns() {
        #expect(Topology.anyOf(["a.b", "c+d"]) == #"^(a\.b|c\+d)$"#)
        #expect(Topology.anyOf([]) == "^$")
    }

    @Test func theBrokerPasswordIsFoundWhateverItHolds() {
        #expect(ConfigurationLoader.brokerPassword(in: "amqp://u:change-me@h:5672/") == "change-me")
        #expect(ConfigurationLoader.brokerPassword(in: "amqp://u:a@b/c?d#e@h/") == "a@b/c?d#e")
        #expect(ConfigurationLoader.brokerPassword(in: "amqp://u:p%40ss@h/") == "p@ss")
        #expect(ConfigurationLoader.brokerPassword(in: "amqp://h:5672/") == nil)
        // A cluster's node list: the password still ends at the last `@`, before the nodes.
        #expect(ConfigurationLoader.brokerPassword(in: "amqp://u:change-me@rmq1:5672,rmq2:5672,[::1]:5672/v") == "change-me")
        #expect(ConfigurationLoader.brokerPassword(in: "amqp://u:p,a%40ss@rmq1,rmq2/") == "p,a@ss")
    }

    @Test func aNodeListIsShownWithItsPasswordMasked() {
        #expect(
            ConfigurationReport.maskedURL("amqp://kiamo:s3,cr@t@rmq1:5672,rmq2:5672,[::1]:5673/prod?heartbeat=5")
                == "amqp://****@rmq1:5672,rmq2:5672,[::1]:5673/prod?heartbeat=5")
        #expect(ConfigurationReport.maskedURL("amqps://kiamo:s3cret@rmq1,rmq2/") == "amqps://****@rmq1,rmq2/")
    }
}
