// librabbitmq 0.11 (Debian 12): the TCP and TLS socket headers sit next to <amqp.h>.
#ifndef KIAMO_CRABBITMQ_SHIM_H
#define KIAMO_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#endif
