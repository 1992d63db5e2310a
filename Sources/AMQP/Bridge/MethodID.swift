internal import CRabbitMQ

/// AMQP 0-9-1 method numbers (class << 16 | method), spelled out because the C header defines
/// them as casts Swift does not import.
enum MethodID {
    static let connectionClose: amqp_method_number_t = 0x000A_0032
    static let connectionCloseOk: amqp_method_number_t = 0x000A_0033
    static let connectionBlocked: amqp_method_number_t = 0x000A_003C
    static let connectionUnblocked: amqp_method_number_t = 0x000A_003D
    static let channelOpen: amqp_method_number_t = 0x0014_000A
    static let channelOpenOk: amqp_method_number_t = 0x0014_000B
    static let channelFlow: amqp_method_number_t = 0x0014_0014
    static let channelFlowOk: amqp_method_number_t = 0x0014_0015
    static let channelClose: amqp_method_number_t = 0x0014_0028
    static let channelCloseOk: amqp_method_number_t = 0x0014_0029
    static let exchangeDeclare: amqp_method_number_t = 0x0028_000A
    static let exchangeDeclareOk: amqp_method_number_t = 0x0028_000B
    static let exchangeDelete: amqp_method_number_t = 0x0028_0014
    static let exchangeDeleteOk: amqp_method_number_t = 0x0028_0015
    static let exchangeBind: amqp_method_number_t = 0x0028_001E
    static let exchangeBindOk: amqp_method_number_t = 0x0028_001F
    static let exchangeUnbind: amqp_method_number_t = 0x0028_0028
    static let exchangeUnbindOk: amqp_method_number_t = 0x0028_0033
    static let queueDeclare: amqp_method_number_t = 0x0032_000A
    static let queueDeclareOk: amqp_method_number_t = 0x0032_000B
    static let queueBind: amqp_method_number_t = 0x0032_0014
    static let queueBindOk: amqp_method_number_t = 0x0032_0015
    static let queuePurge: amqp_method_number_t = 0x0032_001E
    static let queuePurgeOk: amqp_method_number_t = 0x0032_001F
    static let queueDelete: amqp_method_number_t = 0x0032_0028
    static let queueDeleteOk: amqp_method_number_t = 0x0032_0029
    static let queueUnbind: amqp_method_number_t = 0x0032_0032
    static let queueUnbindOk: amqp_method_number_t = 0x0032_0033
    static let basicQos: amqp_method_number_t = 0x003C_000A
    static let basicQosOk: amqp_method_number_t = 0x003C_000B
    static let basicConsume: amqp_method_number_t = 0x003C_0014
    static let basicConsumeOk: amqp_method_number_t = 0x003C_0015
    static let basicCancel: amqp_method_number_t = 0x003C_001E
    static let basicCancelOk: amqp_method_number_t = 0x003C_001F
    static let basicReturn: amqp_method_number_t = 0x003C_0032
    static let basicDeliver: amqp_method_number_t = 0x003C_003C
    static let basicGet: amqp_method_number_t = 0x003C_0046
    static let basicGetOk: amqp_method_number_t = 0x003C_0047
    static let basicGetEmpty: amqp_method_number_t = 0x003C_0048
    static let basicAck: amqp_method_number_t = 0x003C_0050
    static let basicNack: amqp_method_number_t = 0x003C_0078
    static let confirmSelect: amqp_method_number_t = 0x0055_000A
    static let confirmSelectOk: amqp_method_number_t = 0x0055_000B
}
