package engawa.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A config document as written (YAML or JSON), before validation: the tree plus the folder its relative
 * paths resolve against. This is what a revision stores.
 */
public record ConfigDocument(JsonNode tree, Path baseDir) {

    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .loaderOptions(loaderOptions())
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * SnakeYAML refuses documents over 3 MiB by default; a zone of a million records is about 60 MiB of YAML,
     * so the limit is set far above that (the file is read whole into memory anyway).
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(1 << 30);
        return options;
    }

    /** Reads a file; JSON when it ends in .json, YAML otherwise. Syntax errors name the file, line and column. */
    public static ConfigDocument load(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(abs);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, abs.toString().endsWith(".json"), abs.getParent(), file.toString());
    }

    /** Parses document text; {@code source} names it in syntax errors. */
    public static ConfigDocument parse(String text, boolean json, Path baseDir, String source) {
        try {
            JsonNode tree = (json ? JSON : YAML).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                tree = JSON.createObjectNode();
            }
            return new ConfigDocument(tree, baseDir);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? source : source + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw new ConfigException("", where + ": " + e.getOriginalMessage());
        }
    }

    /** Parses text that may be YAML or JSON (YAML accepts both). */
    public static ConfigDocument parse(String text, Path baseDir) {
        String t = text.stripLeading();
        return parse(text, t.startsWith("{"), baseDir, "document");
    }

    /** The canonical form revisions store and compare: JSON with sorted keys. */
    public String canonicalJson() {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String toYaml() {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String toPrettyJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
