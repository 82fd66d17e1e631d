package engawa.store;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreTest {

    @Test
    void revisionsAreNumberedAndKeepTheDocument() {
        Path dir = TestServer.newDir();
        try (Store store = Store.open(dir, null)) {
            assertThat(store.latestId()).isZero();
            Revision r1 = store.append(ConfigDocument.parse("sites: {}", dir), "first");
            Revision r2 = store.append(ConfigDocument.parse("{\"zones\": {}}", dir), "second");
            assertThat(r2.id()).isEqualTo(r1.id() + 1);
            assertThat(store.latestId()).isEqualTo(r2.id());
            assertThat(store.revision(r1.id()).orElseThrow().document().tree().has("sites")).isTrue();
            assertThat(store.revisions(10)).extracting(Revision::source).containsExactly("second", "first");
            assertThat(store.latest().orElseThrow().document().baseDir()).isEqualTo(dir);
        }
        try (Store reopened = Store.open(dir, null)) {
            assertThat(reopened.latestId()).isEqualTo(2);
        }
    }

    @Test
    void aLeaseHasOneHolderUntilItExpires() throws InterruptedException {
        try (Store store = Store.open(TestServer.newDir(), null)) {
            assertThat(store.tryLease("cutover", "a", Duration.ofMillis(300))).isTrue();
            assertThat(store.tryLease("cutover", "b", Duration.ofSeconds(10))).isFalse();
            assertThat(store.tryLease("cutover", "a", Duration.ofMillis(300))).isTrue();
            Thread.sleep(400);
            assertThat(store.tryLease("cutover", "b", Duration.ofSeconds(10))).isTrue();
            assertThat(store.lease("cutover").orElseThrow().holder()).isEqualTo("b");
            store.releaseLease("cutover", "b");
            assertThat(store.lease("cutover")).isEmpty();
        }
    }

    @Test
    void valuesAreKeptByNamespace() {
        try (Store store = Store.open(TestServer.newDir(), null)) {
            store.putValue("certs", "www", "pem1");
            store.putValue("certs", "www", "pem2");
            store.putValue("other", "www", "x");
            assertThat(store.value("certs", "www")).contains("pem2");
            assertThat(store.values("certs")).containsOnlyKeys("www");
            store.deleteValue("certs", "www");
            assertThat(store.value("certs", "www")).isEmpty();
        }
    }
}
