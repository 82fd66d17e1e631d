package engawa.http.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The line against a plain sorted map doing the same things, across many laps of the ring. */
class TicketLineTest {

    @Test
    void placesInLineMatchASortedModelThroughRandomIssuesAdmissionsAndExpiries() {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(20240611L);
        TicketLine line = new TicketLine();
        TreeMap<Long, Long> model = new TreeMap<>();
        long now = 0;
        for (int step = 0; step < 400_000; step++) {
            now += 1;
            int op = random.nextInt(100);
            if (op < 50 && !line.full()) {
                long t = line.issue(now);
                model.put(t, now);
            } else if (op < 80 && !model.isEmpty()) {
                // Admit one of the first few (the eligible ones may come back in any order).
                List<Long> front = new ArrayList<>(3);
                for (var it = model.keySet().iterator(); it.hasNext() && front.size() < 3; ) {
                    front.add(it.next());
                }
                long t = front.get(random.nextInt(front.size()));
                assertThat(line.inLine(t)).isTrue();
                line.remove(t);
                model.remove(t);
            } else if (op < 99 && !model.isEmpty()) {
                long t = model.firstKey() + random.nextLong(model.lastKey() - model.firstKey() + 1);
                if (model.containsKey(t)) {
                    line.touch(t, now);
                    model.put(t, now);
                }
            } else {
                long ttl = 2_000;
                int expired = line.expire(now, ttl);
                long finalNow = now;
                int before = model.size();
                model.values().removeIf(seen -> finalNow - seen > ttl);
                assertThat(expired).isEqualTo(before - model.size());
            }
            if (step % 97 == 0 && !model.isEmpty()) {
                long t = model.lastKey();
                assertThat(line.ahead(t)).isEqualTo(model.headMap(t).size());
                long first = model.firstKey();
                assertThat(line.ahead(first)).isZero();
                long middle = model.ceilingKey(first + random.nextLong(t - first + 1));
                assertThat(line.ahead(middle)).isEqualTo(model.headMap(middle).size());
            }
            assertThat(line.size()).isEqualTo(model.size());
        }
        assertThat(model.isEmpty() ? 0 : model.lastKey()).as("the ring went round several times").isGreaterThan(3L * TicketLine.CAPACITY);
    }

    @Test
    void aTicketLeftBehindKeepsTheSpanOpenUntilItGoes() {
        TicketLine line = new TicketLine();
        long old = line.issue(0);
        for (int i = 1; i < TicketLine.CAPACITY; i++) {
            line.remove(line.issue(0));
        }
        assertThat(line.size()).isEqualTo(1);
        assertThat(line.full()).isTrue();
        line.remove(old);
        assertThat(line.full()).isFalse();
        long t = line.issue(0);
        assertThat(line.ahead(t)).isZero();
        assertThat(line.inLine(old)).isFalse();
    }
}
