package engawa.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Short plain-text error responses, the same everywhere: status line, reason, and nothing else to leak. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    /** Builds {@code "404 Not Found\n"} (or the given detail) as a full response with length and type set. */
    public static FullHttpResponse build(int status, String detail, boolean headRequest) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String text = s.code() + " " + s.reasonPhrase() + (detail == null ? "" : ": " + detail) + "\n";
        ByteBuf body = headRequest ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, text.getBytes(StandardCharsets.UTF_8).length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    /** Answers an exchange with an error; {@code close} adds Connection: close and closes after the write. */
    public static void send(HttpExchange ex, int status, String detail, boolean close) {
        send(ex, build(status, detail, ex.request().method().equals(HttpMethod.HEAD)), close);
    }

    /** Answers an exchange with a response {@link #build} made; {@code close} as above. */
    public static void send(HttpExchange ex, FullHttpResponse r, boolean close) {
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ex.writeAndFlush(r);
        if (close) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Answers on a bare connection, before any exchange exists (a request that could not be parsed), then closes. */
    public static void sendAndClose(ChannelHandlerContext ctx, int status, String detail) {
        FullHttpResponse r = build(status, detail, false);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
