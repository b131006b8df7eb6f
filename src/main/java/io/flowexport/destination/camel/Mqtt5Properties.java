package io.flowexport.destination.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * The MQTT 5 properties of a {@code paho-mqtt5} message: camel-paho-mqtt5 sends no Camel header, only the
 * {@code CamelPahoMqtt5MsgProperties} header's properties. Loaded only for that component.
 */
final class Mqtt5Properties {

    /** The header camel-paho-mqtt5 reads the message's properties from. */
    static final String HEADER = "CamelPahoMqtt5MsgProperties";

    private Mqtt5Properties() {
    }

    /** Content type = {@code Content-Type}; a user property per {@code FlowExport*} header. */
    static MqttProperties of(Map<String, Object> headers) {
        MqttProperties p = new MqttProperties();
        p.setContentType(String.valueOf(headers.get(CamelMessages.CONTENT_TYPE)));
        List<UserProperty> user = new ArrayList<>();
        headers.forEach((k, v) -> {
            if (k.startsWith("FlowExport")) {
                user.add(new UserProperty(k, String.valueOf(v)));
            }
        });
        p.setUserProperties(user);
        return p;
    }
}
