package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page ({@code GET /}) in headless Chromium against the packaged runner, started with an API token:
 * four flows with runs done (ok runs of varying size, a run that failed because its table was gone, a run that
 * left a delivery owed to an HTTP receiver that is not there). The page lists every flow with the state, triggers
 * and next fire times {@code GET /status} gives, and each last run's id, status and rows; the charts mark the
 * failed runs; the owed delivery is shown. "Run now" runs a flow and the new run appears as its last run. The
 * page and its files load without the token, the API refuses requests without it; the page asks for the token
 * (again, saying so, after a wrong one), and a reload in the same tab does not ask again. When the runner stops,
 * the page says it does not answer and keeps showing the flows.
 *
 * <p>Saves {@code target/status-page.png}; with {@code -Dstatuspage.docs=true} also {@code docs/status-page.png},
 * the README's picture.
 */
class StatusPageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "page-it-7c1e55a0";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void showsTheFlowsTheirRunsAndRunsAFlowNow() throws Exception {
        // AUTO_SERVER: the test changes the source while the runner has it open
        Harness h = Harness.custom(tmp, "jdbc:h2:file:" + tmp.resolve("source").toAbsolutePath()
                + ";DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE", "");
        h.sql("CREATE TABLE orders (id integer PRIMARY KEY, amount decimal(10,2), xt_batch_id bigint NOT NULL)",
                "CREATE TABLE customers (id integer PRIMARY KEY, name varchar(40), xt_batch_id bigint NOT NULL)",
                "CREATE TABLE payments (id integer PRIMARY KEY, amount decimal(10,2), xt_batch_id bigint NOT NULL)",
                "CREATE TABLE refunds (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO customers SELECT x, 'customer ' || x, 1 + x / 100 FROM SYSTEM_RANGE(1, 250) AS r(x)",
                "INSERT INTO refunds SELECT x, 1 FROM SYSTEM_RANGE(1, 12) AS r(x)");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (RecordingHttpServer receiver = new RecordingHttpServer()) {
            h.flow("orders_csv", "id = \"orders_csv\"\n[properties.export]\nsource_dataset_id = \"orders\"\n"
                    + "file_path = \"orders/orders_{batch_id}.csv\"\nexport_mode = \"incremental\"\n"
                    + "[[properties.export.destinations]]\ntype = \"http\"\nname = \"ingest\"\nurl = \""
                    + receiver.base() + "/ingest/orders\"\n"
                    + "[[triggers]]\nid = \"weekdays\"\ntype = \"schedule\"\nschedule = \"0 6 * * 1-5\"\n"
                    + "timezone = \"Europe/Berlin\"\n");
            h.flow("customers_json", "id = \"customers_json\"\n[properties.export]\nsource_dataset_id = \"customers\"\n"
                    + "file_path = \"customers/customers.json\"\nexport_mode = \"full\"\nformat = \"json\"\n"
                    + "[[triggers]]\nid = \"hourly\"\ntype = \"interval\"\nevery = \"1h\"\n");
            h.flow("payments_csv", "id = \"payments_csv\"\n[properties.export]\nsource_dataset_id = \"payments\"\n"
                    + "file_path = \"payments/payments_{batch_id}.csv\"\nexport_mode = \"incremental\"\n"
                    + "[[triggers]]\nid = \"nightly\"\ntype = \"schedule\"\nschedule = \"30 2 * * *\"\n"
                    + "timezone = \"UTC\"\n[[triggers]]\nid = \"spare\"\ntype = \"interval\"\nevery = \"15m\"\n"
                    + "enabled = false\n");
            h.flow("refunds_api", "id = \"refunds_api\"\n[properties.export]\nsource_dataset_id = \"refunds\"\n"
                    + "file_path = \"refunds/refunds_{batch_id}.csv\"\n"
                    + "[[properties.export.destinations]]\ntype = \"http\"\nname = \"refund_service\"\nurl = "
                    + "\"http://127.0.0.1:" + closedPort + "/refunds\"\n");
            try (LiveProcess live = LiveProcess.start(h, "flowexport.http.token=" + TOKEN)) {
                doRuns(h, live);
                checkPage(h, live);
            }
        }
    }

    /** Runs of every shape the page draws: sizes that differ, a failure, a delivery owed. */
    private void doRuns(Harness h, LiveProcess live) throws Exception {
        for (int batch = 1; batch <= 4; batch++) {
            insertOrders(h, batch, new int[] {300, 120, 40, 210}[batch - 1]);
            assertThat(runAndWait(live, "orders_csv").path("status").asText()).isEqualTo("ok");
        }
        for (int i = 0; i < 3; i++) {
            assertThat(runAndWait(live, "customers_json").path("status").asText()).isEqualTo("ok");
        }
        h.sql("INSERT INTO payments SELECT x, x * 2.5, 1 + x / 61 FROM SYSTEM_RANGE(1, 180) AS r(x)");
        assertThat(runAndWait(live, "payments_csv").path("status").asText()).isEqualTo("ok");
        h.sql("ALTER TABLE payments RENAME TO payments_moved");
        assertThat(runAndWait(live, "payments_csv").path("status").asText()).isEqualTo("failed");
        h.sql("ALTER TABLE payments_moved RENAME TO payments",
                "INSERT INTO payments SELECT 1000 + x, x * 2.5, 10 FROM SYSTEM_RANGE(1, 75) AS r(x)");
        assertThat(runAndWait(live, "payments_csv").path("status").asText()).isEqualTo("ok");
        assertThat(runAndWait(live, "refunds_api").path("status").asText()).isEqualTo("failed");
    }

    /** {@code rows} new orders in batch {@code batch}. */
    private static void insertOrders(Harness h, int batch, int rows) throws java.sql.SQLException {
        h.sql("INSERT INTO orders SELECT " + batch * 1000 + " + x, x * 1.25, " + batch + " FROM SYSTEM_RANGE(1, "
                + rows + ") AS r(x)");
    }

    private void checkPage(Harness h, LiveProcess live) throws Exception {
        String base = "http://127.0.0.1:" + live.port + "/";
        // the page and its files need no token, come from the jar, and are checked again on each load
        for (String[] asset : new String[][] {{"", "text/html"}, {"page/page.js", "text/javascript"},
                {"page/page.css", "text/css"}}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + asset[0])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(asset[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as(asset[0]).hasValueSatisfying(
                    v -> assertThat(v).startsWith(asset[1]));
            assertThat(r.headers().firstValue("Cache-Control")).as(asset[0]).hasValue("no-cache");
            // nothing from elsewhere: the one URL in them is the SVG namespace, a name rather than a download
            assertThat(r.body().replace("http://www.w3.org/2000/svg", "")).as(asset[0])
                    .doesNotContain("http://", "https://", "//cdn", "@import", "url(");
        }
        // the API itself wants the token
        for (String path : new String[] {"status", "flows/orders_csv/runs"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        WebDriver browser = chromium(profile);
        try {
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            wait.ignoring(StaleElementReferenceException.class);
            browser.get(base);
            // the page asks for the token; a wrong one is refused and asked for again
            wait.until(d -> d.findElement(By.id("token-form")).isDisplayed());
            assertThat(browser.findElements(By.cssSelector("section.flow"))).isEmpty();
            typeToken(browser, "not-" + TOKEN);
            wait.until(d -> d.findElement(By.id("token-form")).isDisplayed()
                    && d.findElement(By.id("token-message")).getText().toLowerCase().contains("the token was refused"));
            typeToken(browser, TOKEN);
            wait.until(d -> d.findElements(By.cssSelector("section.flow")).size() == 4);
            assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isFalse();
            // the same tab keeps the token: a reload does not ask again
            browser.navigate().refresh();
            wait.until(d -> d.findElements(By.cssSelector("section.flow")).size() == 4);
            assertThat(browser.findElement(By.id("token-form")).isDisplayed()).as("asked again after a reload")
                    .isFalse();

            // every flow as /status has it: state, triggers and their next firing, last run
            wait.until(d -> pageMatchesStatus(d, live));
            assertThat(card(browser, "payments_csv").findElements(By.cssSelector("svg.chart g.run[data-status=failed]")))
                    .as("the failed run marked in the chart").hasSize(1);
            assertThat(card(browser, "payments_csv").findElements(By.cssSelector("svg.chart g.run"))).hasSize(3);
            assertThat(card(browser, "orders_csv").findElements(By.cssSelector("svg.chart g.run[data-status=ok]")))
                    .hasSize(4);
            JsonNode pending = flow(api(live, "/status"), "refunds_api").path("pending");
            assertThat(pending.path("destinations").toString()).contains("refund_service");
            assertThat(field(card(browser, "refunds_api"), "pending").getText())
                    .contains(pending.path("run_id").asText()).contains("refund_service");
            assertThat(browser.findElement(By.id("refreshed")).getText()).startsWith("refreshed ");

            // run now: the new run becomes the last run
            String before = flow(api(live, "/status"), "orders_csv").path("last_run").path("run_id").asText();
            insertOrders(h, 5, 90);
            wait.until(d -> {
                card(d, "orders_csv").findElement(By.cssSelector("button.run-now")).click();
                return true;
            });
            wait.until(d -> {
                String shown = field(card(d, "orders_csv"), "last-run-id").getDomAttribute("data-value");
                return shown != null && !shown.equals(before);
            });
            wait.until(d -> pageMatchesStatus(d, live));
            JsonNode last = flow(api(live, "/status"), "orders_csv").path("last_run");
            assertThat(last.path("trigger").asText()).isEqualTo("http");
            assertThat(last.path("run_id").asText()).isNotEqualTo(before);
            assertThat(last.path("rows").asInt()).isEqualTo(90);

            assertThat(severeConsoleMessages(browser)).as("errors in the browser console").isEmpty();
            wait.until(d -> d.findElements(By.cssSelector(".fresh")).isEmpty()); // the new run's highlight is over
            screenshot(browser, Path.of("target", "status-page.png"));
            if (Boolean.getBoolean("statuspage.docs")) {
                Files.copy(Path.of("target", "status-page.png"), Path.of("docs", "status-page.png"),
                        StandardCopyOption.REPLACE_EXISTING);
            }

            // the runner goes away: the page says so and keeps what it showed
            assertThat(live.stop()).isEqualTo(143);
            wait.until(d -> d.findElement(By.id("banner")).isDisplayed()
                    && d.findElement(By.id("banner")).getText().contains("The runner does not answer"));
            assertThat(browser.findElements(By.cssSelector("section.flow"))).hasSize(4);
        } finally {
            browser.quit();
        }
    }

    /**
     * Whether every flow card shows what {@code GET /status} says now: state, each trigger's next firing, the last
     * run's id, status and rows.
     */
    private boolean pageMatchesStatus(WebDriver d, LiveProcess live) {
        JsonNode status;
        try {
            status = api(live, "/status");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        for (JsonNode f : status.path("flows")) {
            WebElement c = card(d, f.path("flow_id").asText());
            if (!field(c, "state").getText().equals(f.path("state").asText())) {
                return false;
            }
            List<WebElement> shown = c.findElements(By.cssSelector("li.trigger"));
            if (shown.size() != f.path("triggers").size()) {
                return false;
            }
            for (JsonNode t : f.path("triggers")) {
                WebElement li = c.findElement(By.cssSelector("li.trigger[data-trigger-id='" + t.path("id").asText() + "']"));
                WebElement next = li.findElement(By.cssSelector("[data-field=next-fire]"));
                String expected = t.path("next_fire").isNull() ? null : t.path("next_fire").asText();
                if (!java.util.Objects.equals(expected, next.getDomAttribute("data-value"))) {
                    return false;
                }
            }
            JsonNode last = f.path("last_run");
            if (!last.path("run_id").asText().equals(field(c, "last-run-id").getDomAttribute("data-value"))
                    || !last.path("status").asText().equals(field(c, "last-run-status").getText())
                    || !last.path("rows").asText().equals(field(c, "last-run-rows").getDomAttribute("data-value"))) {
                return false;
            }
        }
        return true;
    }

    private static WebElement card(WebDriver d, String flowId) {
        return d.findElement(By.cssSelector("section.flow[data-flow-id='" + flowId + "']"));
    }

    private static WebElement field(WebElement card, String name) {
        return card.findElement(By.cssSelector("[data-field='" + name + "']"));
    }

    private static JsonNode flow(JsonNode status, String flowId) {
        for (JsonNode f : status.path("flows")) {
            if (flowId.equals(f.path("flow_id").asText())) {
                return f;
            }
        }
        throw new AssertionError("no flow " + flowId + " in " + status);
    }

    private static void typeToken(WebDriver browser, String token) {
        WebElement input = browser.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(token);
        browser.findElement(By.id("token-submit")).click();
    }

    /** A request to the API with the token, as an operator's script sends it. */
    private JsonNode api(LiveProcess live, String path) throws IOException, InterruptedException {
        return JSON.readTree(http.send(request(live, path).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode runAndWait(LiveProcess live, String flowId) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(live, "/flows/" + flowId + "/run?wait=true")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static HttpRequest.Builder request(LiveProcess live, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + live.port + path))
                .header("Authorization", "Bearer " + TOKEN);
    }

    /** Headless Chromium that reaches nothing but the runner, in a fresh profile. */
    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** SEVERE console messages but the 401 answers the token question starts with. */
    private static List<String> severeConsoleMessages(WebDriver browser) {
        List<String> severe = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains(" 401 ")) {
                severe.add(e.getMessage());
            }
        }
        return severe;
    }

    /** The whole page: the window is made as tall as the document first. */
    private static void screenshot(WebDriver browser, Path file) throws IOException {
        long height = (Long) ((JavascriptExecutor) browser).executeScript(
                "return Math.ceil(document.documentElement.scrollHeight)");
        browser.manage().window().setSize(new Dimension(1280, (int) Math.max(900, height + 20)));
        // the window's frame takes some of it: measure again in the taller window
        height = (Long) ((JavascriptExecutor) browser).executeScript(
                "return Math.ceil(document.documentElement.scrollHeight) - window.innerHeight");
        if (height > 0) {
            Dimension now = browser.manage().window().getSize();
            browser.manage().window().setSize(new Dimension(now.getWidth(), now.getHeight() + (int) height));
        }
        Files.createDirectories(file.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), file,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
