package io.flowexport.dataset;

import java.util.List;
import java.util.Optional;

/**
 * Looks up source datasets in the source database's metadata.
 */
public interface DatasetCatalog {

    /**
     * Finds a dataset by id: {@code name} (the connection's current schema first, then a unique match in any
     * schema) or {@code schema.name}; names compare exactly first, then ignoring case.
     *
     * @return the dataset, or empty when no table or view has that name
     * @throws DatasetCatalogException when the database cannot be reached or read
     */
    Optional<Dataset> find(String datasetId);

    /**
     * The ids of the datasets in the current schema, sorted; used to suggest the nearest name.
     *
     * @throws DatasetCatalogException when the database cannot be reached or read
     */
    List<String> datasetIds();
}
