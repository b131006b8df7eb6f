package io.flowexport.destination.file;

import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.Option;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.parse.TomlView;
import java.util.List;
import java.util.Map;

/** The {@code file} destination type: a file under the export directory. */
public final class FileProvider implements DestinationProvider<FileSpec> {

    static final Option PATH = Option.required("path", Option.Type.STRING, "relative to the export directory, with "
            + "placeholders, checked like file_path", "\"exports/orders/{batch_id}.json\"");

    @Override
    public List<String> types() {
        return List.of(FileSpec.TYPE);
    }

    @Override
    public Class<FileSpec> specType() {
        return FileSpec.class;
    }

    @Override
    public List<Option> options(String type) {
        return List.of(PATH);
    }

    @Override
    public FileSpec parse(String type, TomlView v, FileSpec base, String name, String ref) {
        String path = v.has("path") ? v.string("path") : base != null ? base.path() : null;
        if (path == null && !v.has("path")) {
            v.missing("path", "a file destination needs path = \"exports/<name>.csv\", relative to the export "
                    + "directory");
        }
        return path == null ? null : new FileSpec(name, ref, path);
    }

    /** {@code file_path = "<path>"}: a file destination at that path. */
    @Override
    public FileSpec shortForm(String name, String value) {
        return new FileSpec(name, null, value);
    }

    @Override
    public Connector<FileSpec> connector(ConnectorContext context) {
        return new FileConnector(context.files());
    }

    @Override
    public String describe(FileSpec f, Map<String, String> values) {
        return f.path() + " -> " + new PathTemplate(f.path()).render(values);
    }

    @Override
    public String fileTemplate(FileSpec spec) {
        return spec.path();
    }

    @Override
    public Map<String, String> localFiles(FileSpec spec) {
        return Map.of("", spec.path());
    }

    @Override
    public boolean storesFiles() {
        return true;
    }
}
