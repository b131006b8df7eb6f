package io.flowexport.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.destination.file.FileSpec;
import io.flowexport.flow.DestinationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The facade's order of delivery and its answer to a type without a connector. */
class DeliveriesTest {

    /** A destination of a type the facade has no connector for. */
    private record Other(String name) implements DestinationSpec {
        @Override
        public String type() {
            return "other";
        }

        @Override
        public String ref() {
            return null;
        }

        @Override
        public String template() {
            return name;
        }
    }

    @Test
    void fileDestinationsGoLastAndEachGroupKeepsItsOrder() {
        DestinationSpec file = new FileSpec("file", null, "a.csv");
        DestinationSpec copy = new FileSpec("copy", null, "b.csv");
        DestinationSpec api = new Other("api");
        DestinationSpec bus = new Other("bus");
        assertThat(Deliveries.deliveryOrder(List.of(file, api, copy, bus))).containsExactly(api, bus, file, copy);
    }

    @Test
    void aTypeWithoutConnectorIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> new Deliveries(List.of()).check(new Other("x"), java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no connector for destination type 'other'; known: none");
    }
}
