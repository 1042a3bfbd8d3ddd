package io.hybridmesh.agent.netns;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.hybridmesh.api.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/** Parses the JSON of {@code ip -j addr show}; pure. */
public final class IpJson {

  private IpJson() {}

  /**
   * The interfaces worth watching: everything but loopback, with their link type and addresses.
   *
   * @throws IllegalArgumentException when the text is not what iproute2 prints
   */
  public static List<NetworkInterface> interfaces(String json) {
    List<NetworkInterface> out = new ArrayList<>();
    JsonArray links;
    try {
      links = JsonParser.parseString(json).getAsJsonArray();
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("unexpected output of 'ip -j addr show': " + e.getMessage(), e);
    }
    for (JsonElement el : links) {
      JsonObject link = el.getAsJsonObject();
      String linkType = string(link, "link_type");
      if ("loopback".equals(linkType) || !link.has("ifindex") || !link.has("ifname")) {
        continue;
      }
      List<byte[]> addresses = new ArrayList<>();
      if (link.has("addr_info")) {
        for (JsonElement a : link.getAsJsonArray("addr_info")) {
          String local = string(a.getAsJsonObject(), "local");
          if (local != null) {
            addresses.add(IpAddress.parse(local).bytes());
          }
        }
      }
      int l2 = "ether".equals(linkType) ? 14 : "none".equals(linkType) ? 0 : 14;
      out.add(new NetworkInterface(link.get("ifindex").getAsInt(), link.get("ifname").getAsString(), l2,
          List.copyOf(addresses)));
    }
    return out;
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }
}
