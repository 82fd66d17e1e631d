package engawa.tunnel.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Request inspection: keeps the last {@link #KEEP} requests the client carried and their responses (heads
 * whole, bodies up to {@link #BODY_CAP}), renders them as JSON for the inspector page, and replays one
 * against the local service (not through the tunnel) as a new recorded exchange. Single-threaded: on the
 * client's event loop, like everything it records.
 */
final class Inspector {
    static final int KEEP = 100;
    static final int BODY_CAP = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArrayDeque<Recording> recent = new ArrayDeque<>();
    private final LocalPool pool;
    private final EventExecutor loop;
    private final Consumer<RequestLine> lines;
    private long nextId;

    Inspector(LocalPool pool, EventExecutor loop, Consumer<RequestLine> lines) {
        this.pool = pool;
        this.loop = loop;
        this.lines = lines;
    }

    Recording begin(String method, String target, HttpHeaders headers, Long replayOf) {
        return new Recording(++nextId, method, target, headers, BODY_CAP, replayOf);
    }

    void complete(Recording r) {
        recent.addLast(r);
        while (recent.size() > KEEP) {
            recent.pollFirst();
        }
    }

    Recording find(long id) {
        for (Recording r : recent) {
            if (r.id == id) {
                return r;
            }
        }
        return null;
    }

    /** Newest first. */
    ArrayNode list() {
        ArrayNode out = JSON.createArrayNode();
        for (Iterator<Recording> it = recent.descendingIterator(); it.hasNext(); ) {
            out.add(json(it.next()));
        }
        return out;
    }

    /**
     * Sends a recorded request to the local service again and records the new exchange; completes with it.
     * Fails with {@link IllegalStateException} when the request's body was cut (it cannot be sent again whole).
     */
    Future<Recording> replay(Recording original) {
        Promise<Recording> done = loop.newPromise();
        if (original.requestBody.cut()) {
            return done.setFailure(new IllegalStateException("the request body was longer than " + BODY_CAP
                    + " bytes and was cut; it cannot be replayed"));
        }
        byte[] body = original.requestBody.bytes();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(original.method),
                original.target, Unpooled.wrappedBuffer(body));
        request.headers().add(original.requestHeaders);
        request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (body.length > 0 || request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        Recording r = begin(original.method, original.target, request.headers(), original.id);
        r.requestBody.add(request.content());
        long start = System.nanoTime();
        pool.acquire().addListener(f -> {
            if (!f.isSuccess()) {
                request.release();
                r.error = "could not reach " + pool.target() + ": " + f.cause().getMessage();
                finish(r, start, done);
                return;
            }
            LocalConnection c = (LocalConnection) f.getNow();
            c.begin(new LocalExchange() {
                @Override
                public void response(HttpResponse response) {
                    if (response.status().code() >= 200) {
                        r.status = response.status().code();
                        r.responseHeaders.add(response.headers());
                    }
                }

                @Override
                public void content(HttpContent content) {
                    r.responseBody.add(content.content());
                    boolean last = content instanceof LastHttpContent;
                    content.release();
                    if (last && r.status > 0) {
                        c.end(true);
                        finish(r, start, done);
                    }
                }

                @Override
                public void failed(String why) {
                    r.error = why;
                    finish(r, start, done);
                }
            });
            Channel ch = c.channel();
            ch.writeAndFlush(request);
        });
        return done;
    }

    private void finish(Recording r, long start, Promise<Recording> done) {
        r.micros = (System.nanoTime() - start) / 1000;
        complete(r);
        lines.accept(new RequestLine(Instant.now(), r.method, r.target, r.status, r.micros, r.responseBody.total(),
                "replay of #" + r.replayOf + (r.error == null ? "" : ": " + r.error)));
        done.trySuccess(r);
    }

    ObjectNode json(Recording r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id);
        o.put("at", r.at.toString());
        o.put("method", r.method);
        o.put("target", r.target);
        if (r.replayOf != null) {
            o.put("replay_of", r.replayOf);
        }
        o.put("duration_ms", r.micros / 1000.0);
        ObjectNode req = o.putObject("request");
        headers(req, r.requestHeaders);
        body(req, r.requestBody);
        ObjectNode res = o.putObject("response");
        res.put("status", r.status);
        headers(res, r.responseHeaders);
        body(res, r.responseBody);
        if (r.error != null) {
            o.put("error", r.error);
        }
        return o;
    }

    private static void headers(ObjectNode o, HttpHeaders h) {
        ArrayNode a = o.putArray("headers");
        for (Map.Entry<String, String> e : h) {
            a.addArray().add(e.getKey()).add(e.getValue());
        }
    }

    private static void body(ObjectNode o, BodyCapture b) {
        byte[] bytes = b.bytes();
        o.put("body_size", b.total());
        o.put("body_cut", b.cut());
        String text = utf8(bytes);
        if (text != null) {
            o.put("body", text);
            o.put("body_encoding", "utf-8");
        } else {
            o.put("body", Base64.getEncoder().encodeToString(bytes));
            o.put("body_encoding", "base64");
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            // A body cut in the middle of a character is still text: drop the broken tail.
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, textEnd(bytes))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int textEnd(byte[] b) {
        int end = b.length;
        int i = end - 1;
        int back = 0;
        while (i >= 0 && back < 3 && (b[i] & 0xC0) == 0x80) {
            i--;
            back++;
        }
        if (i >= 0 && (b[i] & 0xC0) == 0xC0) {
            int need = (b[i] & 0xE0) == 0xC0 ? 2 : (b[i] & 0xF0) == 0xE0 ? 3 : 4;
            if (end - i < need) {
                return i;
            }
        }
        return end;
    }
}
