package io.flowexport.it;

/**
 * {@link ReadBackIT} with every export from PostgreSQL on the JDBC stream ({@code flowexport.source.copy=false}):
 * the same files, read back the same way, hold the same source values.
 */
class ReadBackJdbcStreamIT extends ReadBackIT {

    @Override
    String settings() {
        return "flowexport.source.copy=false\n";
    }
}
