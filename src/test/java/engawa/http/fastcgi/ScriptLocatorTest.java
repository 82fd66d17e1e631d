package engawa.http.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.http.RequestPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScriptLocatorTest {
    @TempDir
    static Path dir;
    static Path root;
    static ScriptLocator legacy;

    @BeforeAll
    static void files() throws IOException {
        root = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(root.resolve("sub"));
        Files.createDirectories(root.resolve("dir.php"));
        for (String f : new String[] {"index.php", "env.php", "sub/index.php", "UPPER.PHP", "style.css", "x.phtml"}) {
            Files.writeString(root.resolve(f), "<?php");
        }
        Files.writeString(dir.resolve("outside.php"), "<?php");
        Files.createSymbolicLink(root.resolve("out.php"), dir.resolve("outside.php"));
        Files.createSymbolicLink(root.resolve("in.php"), root.resolve("env.php"));
        legacy = new ScriptLocator(root, "/legacy/", "index.php");
    }

    private static String locate(String target) {
        return switch (legacy.locate(RequestPath.parse(target))) {
            case ScriptLocator.Script s -> root.relativize(Path.of(s.filename())) + " " + s.scriptName() + " [" + s.pathInfo() + "]";
            case ScriptLocator.Other o -> o.name();
        };
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/legacy/env.php|env.php /legacy/env.php []",
        "/legacy/env.php?a=1|env.php /legacy/env.php []",
        "/legacy/env.php/a/b|env.php /legacy/env.php [/a/b]",
        "/legacy/env.php/|env.php /legacy/env.php [/]",
        "/legacy/env.php/x.php|env.php /legacy/env.php [/x.php]",
        "/legacy/|index.php /legacy/index.php []",
        "/legacy/sub/|sub/index.php /legacy/sub/index.php []",
        "/legacy/UPPER.PHP|UPPER.PHP /legacy/UPPER.PHP []",
        "/legacy/in.php|in.php /legacy/in.php []",
        "/legacy/missing.php|NOT_FOUND",
        "/legacy/style.css/x.php|NOT_FOUND",
        "/legacy/dir.php|NOT_FOUND",
        "/legacy/out.php|FORBIDDEN",
        "/legacy/style.css|STATIC",
        "/legacy/sub|STATIC",
        "/legacy|STATIC",
        "/legacy/.php|NOT_FOUND",
        "/legacy/envphp|STATIC",
        "/legacy/x.phtml|FORBIDDEN",
        "/legacy/lib/db.inc|FORBIDDEN",
        "/legacy/.env|NOT_FOUND",
        "/legacy/.git/config|NOT_FOUND",
        "/legacy/sub/.htaccess|NOT_FOUND",
        "/legacy/.well-known/security.txt|STATIC",
        "/legacy/a%2Fb.php|NOT_FOUND",
        "/legacyx/env.php|NOT_FOUND",
    })
    void pathsMapAsNginxPhpSetupsDo(String target, String expected) {
        assertThat(locate(target)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "/a.php|6",
        "/a.php/b|6",
        "/a.phpx/b.php|13",
        "/.php|-1",
        "/a/.php/b.php|13",
        "/a.PhP|6",
        "/nophp|-1",
    })
    void theScriptEndsAfterTheFirstSegmentEndingInPhp(String rest, int end) {
        assertThat(ScriptLocator.scriptEnd(rest)).isEqualTo(end);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "/|/env.php|env.php /env.php []",
        "/app|/app/env.php/x|env.php /app/env.php [/x]",
        "/app|/app/|STATIC",
    })
    void otherPrefixesMapTheSameWay(String prefix, String target, String expected) {
        ScriptLocator l = new ScriptLocator(root, prefix, "default.html");
        String got = switch (l.locate(RequestPath.parse(target))) {
            case ScriptLocator.Script s -> root.relativize(Path.of(s.filename())) + " " + s.scriptName() + " [" + s.pathInfo() + "]";
            case ScriptLocator.Other o -> o.name();
        };
        assertThat(got).isEqualTo(expected);
        assertThat(l.staticIndex()).isEqualTo("default.html");
    }
}
