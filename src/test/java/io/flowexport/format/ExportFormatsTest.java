package io.flowexport.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.csv.CsvFormat;
import io.flowexport.format.json.JsonFormat;
import io.flowexport.format.parquet.ParquetFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportFormatsTest {

    @Test
    void standardRegistersEveryFormat() {
        ExportFormats formats = ExportFormats.standard();
        assertThat(formats.formats()).containsExactly(FileFormat.CSV, FileFormat.JSON, FileFormat.PARQUET);
        assertThat(formats.get(FileFormat.CSV)).isInstanceOf(CsvFormat.class);
        assertThat(formats.get(FileFormat.JSON)).isInstanceOf(JsonFormat.class);
        assertThat(formats.get(FileFormat.PARQUET)).isInstanceOf(ParquetFormat.class);
    }

    @Test
    void contentTypes() {
        ExportFormats formats = ExportFormats.standard();
        assertThat(formats.get(FileFormat.CSV).contentType(FormatOptions.Csv.defaults())).isEqualTo("text/csv");
        assertThat(formats.get(FileFormat.JSON).contentType(FormatOptions.Json.defaults()))
                .isEqualTo("application/json");
        FormatOptions.Json jsonl = new FormatOptions.Json(0, true, false,
                io.flowexport.flow.TextEncoding.UTF_8, List.of());
        assertThat(formats.get(FileFormat.JSON).contentType(jsonl)).isEqualTo("application/x-ndjson");
        assertThat(formats.get(FileFormat.PARQUET).contentType(FormatOptions.Parquet.defaults()))
                .isEqualTo("application/vnd.apache.parquet");
    }

    @Test
    void twoPluginsForOneFormatNameBoth() {
        assertThatThrownBy(() -> ExportFormats.of(List.of(new CsvFormat(), new OtherCsv())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(CsvFormat.class.getName())
                .hasMessageContaining(OtherCsv.class.getName());
    }

    @Test
    void unknownFormatListsKnownOnes() {
        ExportFormats formats = ExportFormats.of(List.of(new CsvFormat(), new JsonFormat()));
        assertThatThrownBy(() -> formats.get(FileFormat.PARQUET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no writer for format 'parquet'; known: csv, json");
    }

    private static final class OtherCsv implements ExportFormat {
        @Override
        public FileFormat format() {
            return FileFormat.CSV;
        }

        @Override
        public String contentType(FormatOptions options) {
            return "text/csv";
        }

        @Override
        public RowWriter open(Path file, List<Column> columns, FormatOptions options) {
            throw new UnsupportedOperationException();
        }
    }
}
