package engawa.tunnel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes the two handshake messages ({@link Hello}, {@link HelloReply}); see {@link TunnelProtocol}. */
public final class Handshakes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Handshakes() {
    }

    /** The client's first bytes: magic, version, length, JSON. */
    public static ByteBuf encode(ByteBufAllocator alloc, Hello hello) {
        ObjectNode o = JSON.createObjectNode();
        o.put("token", hello.token());
        if (hello.name() != null) {
            o.put("name", hello.name());
        }
        o.put("kind", hello.kind().word());
        o.put("exclusive", hello.exclusive());
        if (hello.basicAuth() != null) {
            o.put("basic_auth", hello.basicAuth());
        }
        ArrayNode allow = o.putArray("allow");
        hello.allow().forEach(allow::add);
        byte[] json = bytes(o);
        ByteBuf out = alloc.buffer(7 + json.length);
        out.writeBytes(TunnelProtocol.MAGIC).writeByte(TunnelProtocol.VERSION).writeShort(json.length).writeBytes(json);
        return out;
    }

    /** The edge's answer: length, JSON. */
    public static ByteBuf encode(ByteBufAllocator alloc, HelloReply reply) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ok", reply.ok());
        if (reply.ok()) {
            o.put("name", reply.name());
            ArrayNode urls = o.putArray("urls");
            reply.urls().forEach(urls::add);
            if (reply.port() > 0) {
                o.put("port", reply.port());
            }
            o.put("keepalive_ms", reply.keepaliveMillis());
        } else {
            o.put("code", reply.refusal().code());
            o.put("error", reply.refusal().getMessage());
        }
        byte[] json = bytes(o);
        ByteBuf out = alloc.buffer(2 + json.length);
        out.writeShort(json.length).writeBytes(json);
        return out;
    }

    /** Reads a hello's JSON body (after magic, version and length); throws a {@link Refusal} when malformed. */
    public static Hello decodeHello(byte[] json) {
        JsonNode o = parse(json);
        String token = text(o, "token", true);
        String kindWord = text(o, "kind", true);
        TunnelKind kind = TunnelKind.of(kindWord);
        if (kind == null) {
            throw malformed("kind must be http or tcp, got \"" + kindWord + "\"");
        }
        JsonNode exclusive = o.get("exclusive");
        if (exclusive != null && !exclusive.isBoolean()) {
            throw malformed("exclusive must be true or false");
        }
        List<String> allow = new ArrayList<>();
        JsonNode a = o.get("allow");
        if (a != null && !a.isNull()) {
            if (!a.isArray() || a.size() > 64) {
                throw malformed("allow must be a list of at most 64 address blocks");
            }
            for (JsonNode item : a) {
                if (!item.isTextual()) {
                    throw malformed("allow must be a list of address blocks such as 10.0.0.0/8");
                }
                allow.add(item.asText());
            }
        }
        return new Hello(token, text(o, "name", false), kind, exclusive != null && exclusive.booleanValue(),
                text(o, "basic_auth", false), allow);
    }

    /** Reads the edge's answer; throws {@link IllegalArgumentException} when it is not one. */
    public static HelloReply decodeReply(byte[] json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the server's answer is not JSON");
        }
        if (o == null || !o.isObject() || !o.path("ok").isBoolean()) {
            throw new IllegalArgumentException("the server's answer is not a tunnel handshake reply");
        }
        if (!o.get("ok").booleanValue()) {
            return HelloReply.refused(new Refusal(o.path("code").asText("refused"), o.path("error").asText("refused")));
        }
        List<String> urls = new ArrayList<>();
        o.path("urls").forEach(u -> urls.add(u.asText()));
        return HelloReply.open(o.path("name").asText(), urls, o.path("port").asInt(0), o.path("keepalive_ms").asLong(15_000));
    }

    private static JsonNode parse(byte[] json) {
        try {
            JsonNode o = JSON.readTree(json);
            if (o == null || !o.isObject()) {
                throw malformed("expected a JSON object");
            }
            return o;
        } catch (java.io.IOException e) {
            throw malformed("not JSON");
        }
    }

    private static String text(JsonNode o, String key, boolean required) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw malformed(key + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw malformed(key + " must be a string");
        }
        return v.asText();
    }

    private static Refusal malformed(String why) {
        return new Refusal(Refusal.BAD_HANDSHAKE, "malformed handshake: " + why);
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            byte[] b = JSON.writeValueAsBytes(o);
            if (b.length > TunnelProtocol.MAX_HANDSHAKE) {
                throw new IllegalArgumentException("handshake message over " + TunnelProtocol.MAX_HANDSHAKE + " bytes");
            }
            return b;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
