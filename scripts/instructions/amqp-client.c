/*
 * The lean C client the AMQP benchmark compares the Swift client with (scripts/bench amqp,
 * --instructions): the same library (librabbitmq), one connection, one channel, and the same work
 * as kiamo-bench's client.
 *
 *   amqp-client URL publish QUEUE N   declares QUEUE (durable) and publishes N persistent 1 KiB
 *                                     messages with publisher confirms, at most 2,000 unconfirmed
 *   amqp-client URL consume QUEUE N   consumes N messages, prefetch 500, one ack(multiple) per 100
 *
 * URL is amqp://user:password@host:port/vhost. Exits 0 once all N are confirmed (or consumed).
 * Built by scripts/instructions/amqp.py: gcc -O2 ... $(pkg-config --cflags --libs librabbitmq).
 */
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BODY_SIZE = 1024, MAX_UNCONFIRMED = 2000, PREFETCH = 500, ACK_EVERY = 100 };

static void die(const char *what, amqp_rpc_reply_t reply) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  fprintf(stderr, "amqp-client: %s failed (reply type %d, library error %s)\n", what, reply.reply_type,
          amqp_error_string2(reply.library_error));
  exit(1);
}

static void check(const char *what, int status) {
  if (status >= 0) return;
  fprintf(stderr, "amqp-client: %s failed: %s\n", what, amqp_error_string2(status));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: amqp-client URL publish|consume QUEUE N\n");
    return 2;
  }
  char *url = strdup(argv[1]);
  const char *mode = argv[2];
  amqp_bytes_t queue = amqp_cstring_bytes(argv[3]);
  long count = atol(argv[4]);

  struct amqp_connection_info info;
  check("parsing the URL", amqp_parse_url(url, &info));
  // amqp://host:port/ names the default vhost "/", as the workers read it (rabbitmq-c reads "").
  if (info.vhost[0] == '\0') info.vhost = "/";
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t *socket = amqp_tcp_socket_new(conn);
  if (socket == NULL) { fprintf(stderr, "amqp-client: no socket\n"); return 1; }
  check("connecting", amqp_socket_open(socket, info.host, info.port));
  die("logging in", amqp_login(conn, info.vhost, 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, info.user, info.password));
  amqp_channel_open(conn, 1);
  die("opening the channel", amqp_get_rpc_reply(conn));

  if (strcmp(mode, "publish") == 0) {
    amqp_queue_declare(conn, 1, queue, 0, 1, 0, 0, amqp_empty_table);
    die("declaring the queue", amqp_get_rpc_reply(conn));
    amqp_confirm_select(conn, 1);
    die("confirm.select", amqp_get_rpc_reply(conn));
    char body[BODY_SIZE];
    memset(body, 'a', sizeof body);
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.content_type = amqp_cstring_bytes("application/octet-stream");
    props.delivery_mode = 2;
    amqp_bytes_t bytes = {sizeof body, body};
    long sent = 0, confirmed = 0;
    while (confirmed < count) {
      while (sent < count && sent - confirmed < MAX_UNCONFIRMED) {
        check("publishing", amqp_basic_publish(conn, 1, amqp_empty_bytes, queue, 0, 0, &props, bytes));
        sent++;
      }
      amqp_frame_t frame;
      check("waiting for confirms", amqp_simple_wait_frame(conn, &frame));
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        amqp_basic_ack_t *ack = frame.payload.method.decoded;
        confirmed = ack->multiple ? (long)ack->delivery_tag : confirmed + 1;
      } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
        fprintf(stderr, "amqp-client: the broker refused a message\n");
        return 1;
      }
      amqp_maybe_release_buffers(conn);
    }
  } else if (strcmp(mode, "consume") == 0) {
    amqp_basic_qos(conn, 1, 0, PREFETCH, 0);
    die("basic.qos", amqp_get_rpc_reply(conn));
    amqp_basic_consume(conn, 1, queue, amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    die("basic.consume", amqp_get_rpc_reply(conn));
    long received = 0;
    while (received < count) {
      amqp_envelope_t envelope;
      amqp_maybe_release_buffers(conn);
      die("consuming", amqp_consume_message(conn, &envelope, NULL, 0));
      received++;
      if (received % ACK_EVERY == 0 || received == count) check("acknowledging", amqp_basic_ack(conn, 1, envelope.delivery_tag, 1));
      amqp_destroy_envelope(&envelope);
    }
  } else {
    fprintf(stderr, "amqp-client: mode %s is neither publish nor consume\n", mode);
    return 2;
  }
  amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
  free(url);
  return 0;
}
