// Placeholder until the AMQP library lands.
public enum AMQPPlaceholder {}
