package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.flow.Secrets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CamelUrisTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "sftp://exports@127.0.0.1:2222/in?password=${env:SFTP_PASSWORD}&autoCreate=true",
        "sftp://exports@host/in/{flow_id}/{ds}?password=${file:/run/secrets/sftp}",
        "ftp://bob@host/in?password=RAW(${env:FTP_PASSWORD})&passiveMode=true",
        "spring-rabbitmq:exports?routingKey={flow_id}&connectionFactory=#rabbit",
        "paho-mqtt5:exports/{flow_id}?brokerUrl=tcp://127.0.0.1:1883&userName=bob"
            + "&password=${env:MQTT}",
        "nats:exports.{flow_id}?servers=127.0.0.1:4222",
        "kafka:t?saslMechanism=PLAIN&saslJaasConfig=${file:/etc/jaas}&privateKeyFile=/k&knownHostsFile=/h",
        "file:/tmp/out?fileName=x-{run_id}-{batch_id}.csv"})
    void acceptsUrisWithReferencesAndPlaceholders(String uri) {
        assertThat(CamelUris.problems(uri)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                          | uri is empty",
        "'  '                                        | uri is empty",
        "/tmp/out                                    | does not start with a Camel component name",
        "sftp:                                       | does not start with a Camel component name",
        "sftp://h/in?password=hunter22 | uri option 'password' holds a secret written in clear; write it as",
        "sftp://h/in?privateKeyPassphrase=abc        | uri option 'privateKeyPassphrase' holds a secret",
        "aws2-s3://b?accessKey=${env:A}&secretKey=xyz | uri option 'secretKey' holds a secret",
        "kafka:t?saslJaasConfig=org.Plain            | uri option 'saslJaasConfig' holds a secret",
        "http://h?access_token=abc                   | uri option 'access_token' holds a secret",
        "sftp://bob:hunter22@h/in                    | password in its user info, written in clear; write user@host",
        "sftp://bob:${env:P}@h/in                    | password in its user info; write user@host and give",
        "nats:{flow}                                 | unknown placeholder {flow}; known: batch_id, ds",
        "file:/x?fileName={{name}}                   | Camel property placeholders",
        "file:/x?fileName=${header.x}                | '${header.x}', which is no secret reference"})
    void namesEachProblemAndWhatToDo(String uri, String expected) {
        assertThat(String.join(" | ", CamelUris.problems(uri))).contains(expected);
    }

    @Test
    void collectsEveryProblem() {
        assertThat(CamelUris.problems("sftp://u:pw@h/{nope}?password=x&token=y")).hasSize(4);
        assertThat(CamelUris.problems("sftp://u@h/?password=${env:P}&token=${file:/t}")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"password, true", "privateKeyPassphrase, true", "secretKey, true", "accessKey, true",
        "sasToken, true", "saslJaasConfig, true", "connectionString, true", "routingKey, false", "key, false",
        "privateKeyFile, false", "knownHostsFile, false", "saslMechanism, false", "oauthTokenUrl, false",
        "username, false", "clientId, false", "fileName, false"})
    void secretOptionsAreTellableByName(String name, boolean secret) {
        assertThat(CamelUris.isSecretOption(name)).isEqualTo(secret);
    }

    @Test
    void resolvesReferencesIntoRawOptionValuesAndVerbatimElsewhere() {
        Secrets secrets = new Secrets(Map.of("P", "a&b+c%d e@f", "S", "s3cr)t", "B", "x)y}z")::get);
        assertThat(CamelUris.resolve("sftp://u@h/in?password=${env:P}&x=${env:S}&y=RAW(${env:P})", secrets))
                .isEqualTo("sftp://u@h/in?password=RAW(a&b+c%d e@f)&x=RAW{s3cr)t}&y=RAW(a&b+c%d e@f)");
        assertThat(CamelUris.resolve("nats:${env:S}", secrets)).isEqualTo("nats:s3cr)t");
        assertThatThrownBy(() -> CamelUris.resolve("nats:x?password=${env:B}", secrets))
                .hasMessageContaining("${env:B} holds both").hasMessageNotContaining("x)y}z");
    }

    @Test
    void anUnsetReferenceIsNamedNeverValued() {
        Secrets secrets = new Secrets(Map.<String, String>of()::get);
        assertThatThrownBy(() -> CamelUris.resolve("sftp://h?password=${env:NOT_SET_HERE}", secrets))
                .isInstanceOf(Secrets.SecretException.class).hasMessageContaining("${env:NOT_SET_HERE}");
    }

    @Test
    void shownUrisMaskSecretOptionsUserInfoAndResolvedValues() {
        Secrets secrets = new Secrets(Map.of("Q", "Qv4lue-in-a-path")::get);
        String resolved = CamelUris.resolve("nats:${env:Q}?password=${env:Q}", secrets);
        assertThat(CamelUris.shown(resolved)).doesNotContain("Qv4lue").contains("password=xxxxxx");
        assertThat(CamelUris.shown("sftp://u:pw12345@h/in")).isEqualTo("sftp://u:xxxxxx@h/in");
    }

    @Test
    void schemeIsTheComponentName() {
        assertThat(CamelUris.scheme("Spring-RabbitMQ:x?y=1")).isEqualTo("spring-rabbitmq");
        assertThat(CamelUris.scheme("/tmp")).isNull();
    }
}
