package io.hybridmesh.agent.standalone;

import java.nio.file.Path;

/**
 * The nginx configurations the kernel tests serve with: what each server answers, as text. Pure; {@link TwoHosts}
 * writes them into its directory and starts nginx in the server namespace. Every one runs in the foreground as a
 * single process (so its pid is the one started), with its pid file, logs and temporary files in {@code dir}.
 */
final class NginxConfigs {

  private NginxConfigs() {}

  /** {@code /file} and the rest of {@code dir/www} on port 8080, IPv4 and IPv6. */
  static String files(Path dir) {
    return around(dir, "", "", "listen 8080; listen [::]:8080; root %1$s/www;");
  }

  /**
   * TLS on port 8443 with {@code dir}'s self-signed certificate, {@code http2} offered by ALPN too when asked
   * (nginx 1.22 syntax): {@code /ok} 200, {@code /created} 201, {@code /files/} from {@code dir/www}, anything
   * else 404, whatever the method; keep-alive on.
   */
  static String tls(Path dir, boolean http2) {
    String h2 = http2 ? " http2" : "";
    return around(dir, "-tls", "keepalive_requests 1000;", """
        listen 8443 ssl%2$s; listen [::]:8443 ssl%2$s;
            ssl_certificate %1$s/cert.pem; ssl_certificate_key %1$s/key.pem;
            location = /ok { return 200 "ok\\n"; }
            location /files/ { alias %1$s/www/; }
            location = /created { return 201 "made\\n"; }
            location / { return 404; }""".replace("%2$s", h2));
  }

  /**
   * Plaintext HTTP/1.1 on port 8081 and HTTP/2 with prior knowledge (h2c) on 8082, keep-alive on: {@code /ok}
   * 200, {@code /created} 201, {@code /file} from {@code dir/www-plain} with sendfile, anything else 404.
   */
  static String plain(Path dir) {
    return around(dir, "-plain", "keepalive_requests 1000; sendfile on;", """
        listen 8081; listen 8082 http2; root %1$s/www-plain;
            location = /ok { return 200 "ok\\n"; }
            location = /created { return 201 "made\\n"; }
            location = /file { }
            location / { return 404; }""");
  }

  /** The file nginx logs its errors to for a configuration of this {@code suffix}. */
  static Path errorLog(Path dir, String suffix) {
    return dir.resolve("error" + suffix + ".log");
  }

  /** One server in the shared frame; {@code %1$s} in {@code server} stands for {@code dir}. */
  private static String around(Path dir, String suffix, String httpOptions, String server) {
    return """
        daemon off; master_process off; worker_processes 1;
        pid %1$s/nginx%2$s.pid; error_log %1$s/error%2$s.log;
        events { worker_connections 64; }
        http {
          access_log off; %3$s
          client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi; uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
          server {
            %4$s
          }
        }
        """.formatted(dir, suffix, httpOptions, server.replace("%1$s", dir.toString()));
  }
}
