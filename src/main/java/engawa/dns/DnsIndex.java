package engawa.dns;

import engawa.config.ConfigProblem;
import engawa.config.DnsSettings;
import engawa.config.EngawaConfig;
import engawa.config.Names;
import engawa.config.ZoneConfig;
import engawa.snapshot.CompileContext;
import engawa.snapshot.Services;
import engawa.store.Store;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS part of a snapshot: every zone of one revision compiled into a {@link ZoneIndex}, found by the
 * longest suffix of the query name, plus the {@code dns:} settings. Built while the previous snapshot keeps
 * serving; immutable once installed. Also the reusable entry point for anything that needs to know what
 * Engawa answers ({@link #zone(String)}).
 */
public final class DnsIndex {
    private static final Logger LOG = LoggerFactory.getLogger(DnsIndex.class);

    public static final DnsIndex EMPTY = new DnsIndex(DnsSettings.defaults(), new ZoneIndex[0]);

    private final DnsSettings settings;
    private final ZoneIndex[] zones;
    private final long[] zoneHashes;
    private final int[] table;
    private final int mask;
    /** Query counters by zone, type and rcode, looked up once per combination (see {@link DnsMeters}). */
    final Counter[] counters;

    private DnsIndex(DnsSettings settings, ZoneIndex[] zones) {
        this.settings = settings;
        this.zones = zones;
        this.zoneHashes = new long[zones.length];
        int size = Integer.highestOneBit(Math.max(4, zones.length * 2 - 1)) << 1;
        this.table = new int[size];
        this.mask = size - 1;
        for (int i = 0; i < zones.length; i++) {
            zoneHashes[i] = NameHash.of(zones[i].apex, 0);
            int s = NameHash.slot(zoneHashes[i], mask);
            while (table[s] != 0) {
                s = (s + 1) & mask;
            }
            table[s] = i + 1;
        }
        this.counters = new Counter[(zones.length + 1) * DnsMeters.TYPES * DnsMeters.RCODES];
    }

    /**
     * Compiles every zone of the document. The serial of a zone whose content the store knows is kept;
     * a changed zone gets {@code revision}, or, when that is 0 (not stored yet), the number given later to
     * {@link #withRevision}.
     */
    public static DnsIndex compile(CompileContext ctx, long revision) {
        EngawaConfig config = ctx.config();
        Store store = ctx.services().store();
        List<ZoneIndex> compiled = new ArrayList<>();
        for (ZoneConfig zone : config.zones().values()) {
            try {
                ZoneIndex z = ZoneIndexBuilder.build(zone, config.edge());
                long serial = ZoneSerials.serialFor(store, zone.name(), z.digest(), revision);
                if (serial > 0) {
                    z.serial(serial);
                }
                compiled.add(z);
            } catch (IllegalArgumentException e) {
                ctx.problems().addAll(List.of(ConfigProblem.error("zones." + Names.stripDot(zone.name()), e.getMessage())));
            }
        }
        return new DnsIndex(config.dns(), compiled.toArray(ZoneIndex[]::new));
    }

    /** Gives zones that changed in this revision their serial, now that the revision has its number. */
    public DnsIndex withRevision(long revision) {
        for (ZoneIndex z : zones) {
            if (z.serial() < 0) {
                z.serial(revision);
            }
        }
        return this;
    }

    /**
     * After this index was installed in place of {@code previous}: records each zone's serial in the store
     * and sends NOTIFY to the secondaries of zones whose serial changed. Runs on the thread that installed
     * the snapshot; NOTIFY goes out on {@code services.blocking()}.
     */
    public void installed(DnsIndex previous, Services services) {
        for (ZoneIndex z : zones) {
            boolean recorded = false;
            if (services.store() != null) {
                try {
                    recorded = ZoneSerials.write(services.store(), z.name(), z.serial(), z.digest());
                } catch (RuntimeException e) {
                    LOG.warn("zone {}: cannot record serial {} in the store: {}", z.name(), z.serial(), e.getMessage());
                }
            }
            long before = previous == null ? -1 : previous.zone(z.name()).map(ZoneIndex::serial).orElse(-1L);
            boolean changed = previous == null ? recorded : before != z.serial();
            if (changed && !z.config().transfer().notifyTargets().isEmpty()) {
                Notifier.notifyAll(z, services.blocking());
            }
        }
    }

    public DnsSettings settings() {
        return settings;
    }

    public List<ZoneIndex> zones() {
        return Arrays.asList(zones);
    }

    /** The zone named exactly {@code name} (absolute or not, any case). */
    public Optional<ZoneIndex> zone(String name) {
        String n = Names.absolute(name);
        for (ZoneIndex z : zones) {
            if (z.name().equals(n)) {
                return Optional.of(z);
            }
        }
        return Optional.empty();
    }

    int zoneCount() {
        return zones.length;
    }

    ZoneIndex zone(int id) {
        return zones[id];
    }

    /** The zone holding the query name (longest suffix), or -1; sets {@link Query#apexLabel}. */
    int findZone(Query q) {
        for (int i = 0; i < q.labelCount; i++) {
            long h = q.hashes[i];
            int start = q.labels[i];
            int len = q.qnameLen - start;
            int s = NameHash.slot(h, mask);
            while (true) {
                int id = table[s] - 1;
                if (id < 0) {
                    break;
                }
                byte[] apex = zones[id].apex;
                if (zoneHashes[id] == h && apex.length == len && Arrays.equals(apex, 0, len, q.lower, start, start + len)) {
                    q.apexLabel = i;
                    return id;
                }
                s = (s + 1) & mask;
            }
        }
        return -1;
    }
}
