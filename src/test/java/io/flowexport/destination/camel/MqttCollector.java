package io.flowexport.destination.camel;

import java.util.concurrent.BlockingQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Collects the messages of an MQTT subscription into {@code received}; set with {@code client.setCallback}
 * (paho's subscribe-with-listener overload recurses until the stack overflows).
 */
public record MqttCollector(BlockingQueue<MqttMessage> received) implements MqttCallback {

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(message);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
