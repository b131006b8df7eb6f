package io.flowexport.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which state store URLs get {@code WRITE_DELAY=0} (an embedded H2 file database's commits written at once). */
class DurableStateUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:file:./data/state;AUTO_SERVER=TRUE | jdbc:h2:file:./data/state;AUTO_SERVER=TRUE;WRITE_DELAY=0",
        "jdbc:h2:./data/state                       | jdbc:h2:./data/state;WRITE_DELAY=0",
        "jdbc:h2:file:/x/state;write_delay=100      | jdbc:h2:file:/x/state;write_delay=100",
        "jdbc:h2:tcp://db:9092/state                | jdbc:h2:tcp://db:9092/state",
        "jdbc:h2:mem:state                          | jdbc:h2:mem:state",
        "jdbc:postgresql://db/state                 | jdbc:postgresql://db/state",
    })
    void onlyEmbeddedH2WithoutAWriteDelayOfItsOwn(String url, String expected) {
        assertThat(FlowExportApp.durableStateUrl(url)).isEqualTo(expected);
    }
}
