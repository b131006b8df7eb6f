package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tomlj.Toml;
import org.tomlj.TomlTable;

class LenientTomlTest {

    private static TomlTable config(LenientToml.Parsed p) {
        assertThat(p.errors()).isEmpty();
        return p.toml().getTable(List.of("properties", "export", "exporter_config"));
    }

    @Test
    void acceptsCommaLessMultiLineInlineTable() {
        String text = """
                [properties.export]
                file_path = "x.csv"
                exporter_config = {
                delimiter = ","
                include_header = true
                }
                format = "csv"
                """;
        LenientToml.Parsed p = LenientToml.parse(text);
        TomlTable cfg = config(p);
        assertThat(cfg.getString("delimiter")).isEqualTo(",");
        assertThat(cfg.getBoolean("include_header")).isTrue();
        assertThat(p.toml().getString("properties.export.format")).isEqualTo("csv");
        // the lines after the block keep their numbers
        assertThat(p.original(p.toml().inputPositionOf("properties.export.format")))
                .isEqualTo(new SourcePosition(7, 1));
        assertThat(p.original(cfg.inputPositionOf("include_header"))).isEqualTo(new SourcePosition(5, 1));
        assertThat(p.original(p.toml().inputPositionOf("properties.export.exporter_config")))
                .isEqualTo(new SourcePosition(3, 1));
    }

    @Test
    void acceptsTrailingCommasCommentsBracesInStringsAndNestedArrays() {
        String text = """
                [properties.export]
                exporter_config = { # format options
                  delimiter = "}",   # a brace in a string
                  encoding = 'utf-8 # not a comment {',
                  columns = [
                    "a", # first
                    "b{",
                  ],
                  nested = {
                    x = 1
                  }
                }
                """;
        LenientToml.Parsed p = LenientToml.parse(text);
        TomlTable cfg = config(p);
        assertThat(cfg.getString("delimiter")).isEqualTo("}");
        assertThat(cfg.getString("encoding")).isEqualTo("utf-8 # not a comment {");
        assertThat(cfg.getArray("columns").toList()).containsExactly("a", "b{");
        assertThat(cfg.getLong("nested.x")).isEqualTo(1L);
        assertThat(p.original(cfg.inputPositionOf("columns"))).isEqualTo(new SourcePosition(5, 3));
        assertThat(p.original(cfg.getTable("nested").inputPositionOf("x"))).isEqualTo(new SourcePosition(10, 5));
    }

    @Test
    void leavesStandardTomlUnchanged() {
        String text = """
                id = "a"
                [input]
                columns = [
                { name = "order_id", type = "integer" },
                { name = "total", type = "decimal" }
                ]
                [properties.export]
                exporter_config = { delimiter = ";", include_header = false }
                [properties.export.other]
                s = \"\"\"
                multi { line
                \"\"\"
                """;
        LenientToml.Parsed p = LenientToml.parse(text);
        assertThat(p.rewrittenText()).isEqualTo(text);
        assertThat(p.errors()).isEmpty();
        assertThat(Toml.equals(p.toml(), Toml.parse(text))).isTrue();
    }

    @Test
    void mapsSyntaxErrorsInsideARewrittenBlockToTheOriginalLineAndColumn() {
        String text = """
                [properties.export]
                exporter_config = {
                  delimiter = ","
                  include_header = tru
                }
                """;
        LenientToml.Parsed p = LenientToml.parse(text);
        assertThat(p.errors()).isNotEmpty();
        assertThat(p.errors().get(0).position()).isEqualTo(new SourcePosition(4, 20));
    }

    @Test
    void mapsSyntaxErrorsAfterARewrittenBlock() {
        String text = "exporter_config = {\na = 1\nb = 2\n}\nx = = 3\n";
        LenientToml.Parsed p = LenientToml.parse(text);
        assertThat(p.errors()).hasSize(1);
        assertThat(p.errors().get(0).position()).isEqualTo(new SourcePosition(5, 5));
    }

    @Test
    void reportsAnInlineTableThatIsNeverClosed() {
        String text = "[properties.export]\nexporter_config = {\na = 1\n[[triggers]]\nid = \"t\"\n";
        LenientToml.Parsed p = LenientToml.parse(text);
        assertThat(p.errors()).first().satisfies(e -> {
            assertThat(e.position()).isEqualTo(new SourcePosition(2, 19));
            assertThat(e.message()).contains("not closed");
        });
    }

    @Test
    void acceptsWindowsLineEndingsAndAClosingBraceWithAComment() {
        String text = "[properties.export]\r\nexporter_config = {\r\ndelimiter = \";\"\r\n} # end\r\nformat = \"csv\"\r\n";
        LenientToml.Parsed p = LenientToml.parse(text);
        assertThat(config(p).getString("delimiter")).isEqualTo(";");
        assertThat(p.original(p.toml().inputPositionOf("properties.export.format")))
                .isEqualTo(new SourcePosition(5, 1));
    }
}
