package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Dig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The reference plan, as written but for the two admin URLs, across two real instances on loopback: every
 * step's checks are real DNS queries, TLS handshakes and HTTP requests, the safety invariant is checked over the
 * wire before and after each, and a user resolving and fetching www.example.test all along (through the
 * instances' own DNS, following the referral) never sees a failed request, through the apply and the rollback.
 */
class CutoverIT {

    @Test
    void referencePlanMovesWwwToTheNewInstanceAndBackWithoutAFailedRequest() throws Exception {
        try (TwoInstances two = TwoInstances.start(300)) {
            String oldBefore = TwoInstances.canonical(two.oldDocument());
            String newBefore = TwoInstances.canonical(two.newDocument());
            CutoverPlan plan = two.plan(two.referencePlan());
            EdgeClient user = new EdgeClient(two.dnsPort, two.httpsPort);
            assertThat(user.visit("www.example.test").body()).contains("peacock");

            AtomicBoolean running = new AtomicBoolean(true);
            List<EdgeClient.Visit> visits = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
                long deadline = System.nanoTime() + 300_000_000_000L;
                for (int i = 0; i < 5000 && running.get() && System.nanoTime() < deadline; i++) {
                    visits.add(user.visit("www.example.test"));
                }
            });

            StringWriter text = new StringWriter();
            PrintWriter out = new PrintWriter(text, true);
            try (CutoverRunner r = new CutoverRunner(plan, TwoInstances.ENV, out)) {
                assertThat(r.plan()).as(text.toString()).isZero();
                assertThat(r.apply()).as(text.toString()).isZero();

                // Independently of the runner: the parent refers www to the new instance, which answers with its edge.
                assertThat(Dig.dig(two.dnsPort, "+norec", "www.example.test", "A")).contains("AUTHORITY SECTION")
                        .contains("ns1.www.example.test.").contains("127.0.0.2");
                EdgeClient.Visit now = user.visit("www.example.test");
                assertThat(now.address()).isEqualTo("127.0.0.2");
                assertThat(now.body()).contains("parrot");

                text.getBuffer().setLength(0);
                assertThat(r.status()).isZero();
                assertThat(text.toString()).contains("cutover www-to-parrot: done").doesNotContain("not applied");

                text.getBuffer().setLength(0);
                assertThat(r.rollback()).as(text.toString()).isZero();
                assertThat(text.toString()).contains("undo step 7/7").contains("undo step 1/7").doesNotContain("FAIL")
                        .contains("caches: resolvers may answer from before the rollback until");
            } finally {
                running.set(false);
                loop.join();
            }
            System.out.println(text);

            assertThat(TwoInstances.canonical(two.oldDocument())).isEqualTo(oldBefore);
            assertThat(TwoInstances.canonical(two.newDocument())).isEqualTo(newBefore);
            assertThat(user.visit("www.example.test").body()).contains("peacock");
            assertThat(visits).hasSizeGreaterThan(10);
            assertThat(visits).allSatisfy(v -> assertThat(v.ok()).as(v.toString()).isTrue());
            assertThat(visits).anySatisfy(v -> assertThat(v.address()).isEqualTo("127.0.0.2"));
        }
    }
}
