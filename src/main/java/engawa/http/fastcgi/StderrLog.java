package engawa.http.fastcgi;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What scripts write to FCGI_STDERR (PHP's {@code error_log()}, notices and warnings), logged one line
 * per line (and per PHP message: PHP-FPM joins the messages of a request with {@code "; "}) as a warning naming the upstream and script, control characters escaped, each line cut at
 * {@value #MAX_LINE} characters. At most {@value #LINES_PER_SECOND} lines a second per route reach the
 * log, so a script that warns on every request cannot flood it; the lines dropped are counted in one
 * line before the next line logged in a later second. Lock-free; shared by the event loops.
 */
final class StderrLog {
    static final int LINES_PER_SECOND = 20;
    static final int MAX_LINE = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(StderrLog.class);
    private static final String NEXT_MESSAGE = "; PHP message: ";

    private final String upstream;
    private final AtomicLong second = new AtomicLong();
    private final AtomicInteger lines = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();

    StderrLog(String upstream) {
        this.upstream = upstream;
    }

    /** Logs the lines of one STDERR record of {@code script} (its URL path). Does not release {@code content}. */
    void write(String server, String script, ByteBuf content) {
        if (!LOG.isWarnEnabled()) {
            return;
        }
        String text = content.toString(StandardCharsets.UTF_8);
        int from = 0;
        while (from < text.length()) {
            int end = lineEnd(text, from);
            String line = clean(text, from, end);
            if (!line.isEmpty() && admit()) {
                LOG.warn("upstream {}: {} {}: {}", upstream, server, script, line);
            }
            from = end == text.length() || text.charAt(end) == '\n' ? end + 1 : end + 2;
        }
    }

    /**
     * Where the line starting at {@code from} ends: at a newline, or where PHP-FPM joined the next message
     * to it ({@code "PHP message: a; PHP message: b"}), which is one message per line again.
     */
    private static int lineEnd(String text, int from) {
        int nl = text.indexOf('\n', from);
        int end = nl < 0 ? text.length() : nl;
        int joined = text.indexOf(NEXT_MESSAGE, from);
        return joined >= 0 && joined < end ? joined : end;
    }

    private boolean admit() {
        long now = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime());
        long was = second.get();
        if (now != was && second.compareAndSet(was, now)) {
            lines.set(0);
            int n = dropped.getAndSet(0);
            if (n > 0) {
                LOG.warn("upstream {}: {} more stderr line(s) not logged (over {} a second)", upstream, n, LINES_PER_SECOND);
            }
        }
        if (lines.incrementAndGet() <= LINES_PER_SECOND) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** The line without its CR and surrounding blanks, control characters as {@code \xNN}, cut at {@link #MAX_LINE}. */
    private static String clean(String text, int from, int end) {
        while (from < end && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        StringBuilder b = new StringBuilder(Math.min(end - from, MAX_LINE + 16));
        for (int i = from; i < end && b.length() < MAX_LINE; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (end - from > MAX_LINE) {
            b.append("...");
        }
        return b.toString();
    }
}
