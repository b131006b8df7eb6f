package io.flowexport.destination.camel;

import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Service;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects that an endpoint URI creates itself with {@code option=#class:com.example.Type(...)}, such as a RabbitMQ
 * connection factory in {@code spring-rabbitmq:x?connectionFactory=#class:org.springframework.amqp.rabbit.connection.
 * CachingConnectionFactory('host', 5672)}: Camel binds them to the endpoint but never closes them, so the connector
 * does when it drops the endpoint.
 */
final class UriBeans {

    private static final Logger LOG = LoggerFactory.getLogger(UriBeans.class);

    private UriBeans() {
    }

    /** The values of the endpoint's options that its URI set with {@code #class:}; empty when none. */
    static List<Object> made(Endpoint endpoint) {
        List<Object> made = new ArrayList<>();
        try {
            Map<String, Object> options = URISupport.parseQuery(URISupport.extractQuery(endpoint.getEndpointUri()),
                    true, true);
            PropertyConfigurer configurer = endpoint.getComponent().getEndpointPropertyConfigurer();
            if (!(configurer instanceof PropertyConfigurerGetter getter)) {
                return made;
            }
            options.forEach((name, value) -> {
                // the endpoint's URI is normalized: its option values are percent-encoded
                if (URLDecoder.decode(String.valueOf(value), StandardCharsets.UTF_8).startsWith("#class:")) {
                    Object bean = getter.getOptionValue(endpoint, name, true);
                    if (bean != null) {
                        made.add(bean);
                    }
                }
            });
        } catch (Exception e) {
            LOG.debug("Cannot list the objects a camel destination's URI made: {}", e.getClass().getName());
        }
        return made;
    }

    /** Closes, stops or destroys (Spring's {@code DisposableBean}) one such object; failures are only logged. */
    static void close(Object bean) {
        try {
            if (bean instanceof AutoCloseable c) {
                c.close();
            } else if (bean instanceof Service s) {
                s.stop();
            } else {
                Method destroy = bean.getClass().getMethod("destroy");
                destroy.invoke(bean);
            }
        } catch (NoSuchMethodException e) {
            // nothing to release
        } catch (Exception e) {
            LOG.debug("Closing {} made by a camel destination's URI failed: {}", bean.getClass().getName(),
                    e.getClass().getName());
        }
    }
}
