import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The demo's payments service: HTTPS with the JDK's own TLS (JSSE), no native TLS library, so the
 * kernel cannot read its HTTP and the prober sends it to a sidecar.
 * Arguments: ADDRESS PORT KEYSTORE.p12 PASSWORD
 */
public class Payments {
  public static void main(String[] args) throws Exception {
    char[] password = args[3].toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[2])) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    AtomicLong charges = new AtomicLong();
    server.createContext("/v1/charges", exchange -> {
      exchange.getRequestBody().readAllBytes();
      // Every fifth charge is declined, so that the flows show more than one status.
      boolean declined = charges.incrementAndGet() % 5 == 0;
      byte[] body = (declined ? "{\"status\":\"declined\"}" : "{\"status\":\"captured\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(declined ? 402 : 201, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    System.out.println("payments: listening on " + args[0] + ":" + args[1]);
  }
}
