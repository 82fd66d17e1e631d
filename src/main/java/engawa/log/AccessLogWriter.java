package engawa.log;

import engawa.config.LogConfig;
import io.micrometer.core.instrument.Counter;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log's own thread: takes records off the queue, formats them and writes them through a 64 KiB
 * buffer, flushing when the queue runs dry and at least once a second under steady load. While lines keep
 * coming it polls every few milliseconds; after a quiet second it sleeps until a producer wakes it.
 *
 * <p>Where lines go follows the newest revision's {@code log.access}: stdout, a file (opened for
 * append, reopened when a revision names another path), or nowhere. A file that is renamed or deleted
 * (logrotate without copytruncate) is noticed within a second and reopened at its path, so rotation needs
 * no signal. Write errors are logged once per target and the lines dropped, never retried in a loop.
 */
final class AccessLogWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long NAP = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int BUFFER = 64 << 10;

    /** The destination a revision asks for. */
    private record Wanted(long revision, LogConfig log) {
    }

    private final Queue<AccessRecord> queue;
    private final Counter dropped;
    private final AccessLineFormatter formatter = new AccessLineFormatter(ZoneId.systemDefault());
    private final StringBuilder line = new StringBuilder(512);
    private final Thread thread;
    private volatile Wanted wanted;
    private volatile boolean sleeping;
    private volatile boolean closing;

    private Output out;
    private Wanted serving;
    private long lastFlush = System.nanoTime();
    private long lastCheck = System.nanoTime();
    private long lastLine = System.nanoTime() - 2 * SECOND;
    private boolean dirty;

    AccessLogWriter(Queue<AccessRecord> queue, Counter dropped) {
        this.queue = queue;
        this.dropped = dropped;
        this.thread = Thread.ofPlatform().name("engawa-access-log").daemon().unstarted(this);
        thread.start();
    }

    /** Points the log at what {@code log} says, unless a newer revision already did. Any thread. */
    synchronized void follow(long revision, LogConfig log) {
        Wanted w = wanted;
        if (w == null || revision > w.revision()) {
            wanted = new Wanted(revision, log);
            LockSupport.unpark(thread);
        }
    }

    /** Called by producers after queueing: wakes the thread if it sleeps for want of traffic. Cheap otherwise. */
    void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** Writes what is queued, closes the file and stops the thread (waits up to 5 s). */
    void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        int sinceCheck = 0;
        while (true) {
            AccessRecord r = queue.poll();
            // Read after the poll: a producer sets the destination before it queues its first line.
            Wanted w = wanted;
            if (w != serving) {
                switchTo(w);
            }
            if (r != null) {
                write(r);
                lastLine = System.nanoTime();
                if (++sinceCheck >= 256) {
                    sinceCheck = 0;
                    if (System.nanoTime() - lastFlush > SECOND) {
                        flush();
                    }
                }
                continue;
            }
            flush();
            if (closing) {
                if (queue.isEmpty()) {
                    break;
                }
                continue;
            }
            if (System.nanoTime() - lastLine < SECOND) {
                // Traffic is flowing: nap briefly rather than have every request wake this thread (a futex
                // call on the event loop per request). Lines reach the file at most a nap later.
                LockSupport.parkNanos(this, NAP);
                continue;
            }
            sleeping = true;
            if (queue.isEmpty() && wanted == serving && !closing) {
                LockSupport.parkNanos(this, SECOND);
            }
            sleeping = false;
        }
        closeOutput();
    }

    private void write(AccessRecord r) {
        if (out == null) {
            if (serving != null && !serving.log().access().equals("off")) {
                dropped.increment();
            }
            return;
        }
        line.setLength(0);
        formatter.append(r, line);
        line.append('\n');
        try {
            out.writer.append(line);
            dirty = true;
        } catch (IOException e) {
            fail(e);
            dropped.increment();
        }
    }

    private void flush() {
        long now = System.nanoTime();
        if (out != null && dirty) {
            try {
                out.writer.flush();
            } catch (IOException e) {
                fail(e);
            }
            dirty = false;
        }
        lastFlush = now;
        if (now - lastCheck > SECOND) {
            lastCheck = now;
            if (out == null && serving != null && !serving.log().access().equals("off") || out != null && out.moved()) {
                // Rotated away, deleted, or failed to open before: open the configured path again.
                reopen();
            }
        }
    }

    private void switchTo(Wanted w) {
        LogConfig before = serving == null ? null : serving.log();
        serving = w;
        if (before != null && sameDestination(before, w.log()) && out != null) {
            return;
        }
        reopen();
    }

    private void reopen() {
        closeOutput();
        LogConfig log = serving.log();
        try {
            out = switch (log.access()) {
                case "off" -> null;
                case "stdout" -> Output.stdout();
                default -> Output.file(log.accessFile());
            };
        } catch (IOException e) {
            LOG.error("access log: cannot open {}: {}; dropping lines until it can be opened", log.accessFile(), e.toString());
            out = null;
        }
    }

    private void fail(IOException e) {
        LOG.error("access log: writing to {} failed: {}; dropping lines until it is reopened", out.name, e.toString());
        closeOutput();
    }

    private void closeOutput() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("access log: closing {} failed: {}", out.name, e.toString());
            }
            out = null;
            dirty = false;
        }
    }

    private static boolean sameDestination(LogConfig a, LogConfig b) {
        return a.access().equals(b.access()) && Objects.equals(a.accessFile(), b.accessFile());
    }

    /** An open destination; stdout is flushed but never closed. */
    private static final class Output {
        final String name;
        final Writer writer;
        final Path path;
        final Object fileKey;
        final boolean closeStream;

        private Output(String name, OutputStream stream, Path path, Object fileKey, boolean closeStream) {
            this.name = name;
            this.writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), BUFFER);
            this.path = path;
            this.fileKey = fileKey;
            this.closeStream = closeStream;
        }

        static Output stdout() {
            return new Output("stdout", new FileOutputStream(FileDescriptor.out), null, null, false);
        }

        static Output file(Path path) throws IOException {
            OutputStream stream = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return new Output(path.toString(), stream, path, key, true);
        }

        /** True when the path no longer names the file this output writes to. */
        boolean moved() {
            if (path == null || fileKey == null) {
                return false;
            }
            try {
                return !fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
            } catch (NoSuchFileException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        void close() throws IOException {
            if (closeStream) {
                writer.close();
            } else {
                writer.flush();
            }
        }
    }
}
