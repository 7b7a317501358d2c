package io.bgswap.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web page in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver} packages) uploads a photo, asks for a colour background and must show
 * the composited image beside the original. Skips where the browser or its driver is absent.
 */
class WebPageIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("bgswap.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("bgswap.chromedriver", "/usr/bin/chromedriver"));
    private static final int SIZE = 320;

    private static BgSwapServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Skipped: the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (Debian: apt-get install -y chromium chromium-driver)");
        server = BgSwapServer.start(ServerConfig.builder().port(0).workers(1).defaultModel("isnet-small")
                .requestTimeout(Duration.ofSeconds(240)).build());
        server.preload("isnet-small");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void uploadsAPhotoAndShowsTheCompositeBesideTheOriginal(@TempDir Path tmp) throws Exception {
        Path photo = tmp.resolve("portrait.jpg");
        Files.write(photo, TestImages.portraitJpeg(SIZE));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(server.uri().toString());
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.until(d -> !d.findElements(By.cssSelector("#model option")).isEmpty());
            assertThat(driver.findElement(By.id("model")).getAttribute("value")).isEqualTo("isnet-small");

            driver.findElement(By.id("file")).sendKeys(photo.toAbsolutePath().toString());
            driver.findElement(By.cssSelector("input[name=bgkind][value=color]")).click();
            ((JavascriptExecutor) driver).executeScript("document.getElementById('color').value = '#ff0000';");
            WebElement run = driver.findElement(By.id("run"));
            wait.until(d -> run.isEnabled());
            run.click();

            new WebDriverWait(driver, Duration.ofSeconds(240)).until(d -> {
                String status = d.findElement(By.id("status")).getText();
                return status.startsWith("Done") || d.findElement(By.id("status")).getAttribute("class").contains("error");
            });
            assertThat(driver.findElement(By.id("status")).getText()).startsWith("Done");
            assertThat(driver.findElement(By.id("view")).isDisplayed()).isTrue();

            WebElement result = driver.findElement(By.id("result"));
            assertThat(result.getAttribute("src")).startsWith("blob:");
            JavascriptExecutor js = (JavascriptExecutor) driver;
            assertThat(((Number) js.executeScript("return arguments[0].naturalWidth;", result)).intValue()).isEqualTo(SIZE);
            assertThat(((Number) js.executeScript("return document.getElementById('original').naturalWidth;")).intValue())
                    .isEqualTo(SIZE);
            // The shown image is the composite: its top-left corner (wall in the photo) is now red.
            String corner = (String) js.executeScript(
                    "const img = arguments[0]; const c = document.createElement('canvas');"
                            + "c.width = img.naturalWidth; c.height = img.naturalHeight;"
                            + "const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
                            + "return Array.from(g.getImageData(2, 2, 1, 1).data).join(',');", result);
            String[] rgba = corner.split(",");
            assertThat(Integer.parseInt(rgba[0])).as("red of " + corner).isGreaterThan(200);
            assertThat(Integer.parseInt(rgba[1])).as("green of " + corner).isLessThan(60);

            WebElement download = driver.findElement(By.id("download"));
            assertThat(download.getAttribute("href")).startsWith("blob:");
            assertThat(download.getAttribute("download")).isEqualTo("portrait-bgswap.png");
            driver.findElement(By.id("slider")).sendKeys(org.openqa.selenium.Keys.END);
            String clip = (String) js.executeScript("return document.getElementById('compare-before-clip').style.width;");
            assertThat(clip).isEqualTo("100%");
        } finally {
            driver.quit();
        }
    }
}
