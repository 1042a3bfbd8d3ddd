package io.hybridmesh.xds.translate;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.hybridmesh.xds.testing.Golden;
import io.hybridmesh.xds.testing.MeshFixtures;
import io.hybridmesh.xds.validate.EnvoyTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole configuration of one sidecar as JSON, the way Envoy's config dump shows it, against a file. */
class SidecarTranslatorGoldenTest {

  @Test
  void frontendResourcesMatchTheGoldenFile() throws Exception {
    SidecarResources resources = new SidecarTranslator(TranslatorSettings.DEFAULTS).translate(MeshFixtures.frontend());
    JsonObject root = new JsonObject();
    root.addProperty("version", resources.contentVersion());
    root.add("clusters", array(resources.clusters()));
    root.add("endpoints", array(resources.endpoints()));
    root.add("listeners", array(resources.listeners()));
    root.add("routes", array(resources.routes()));
    String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    Golden.assertMatches("frontend-resources.json", json);
  }

  private static JsonArray array(List<? extends Message> messages) throws InvalidProtocolBufferException {
    JsonArray array = new JsonArray();
    for (Message m : messages) {
      array.add(JsonParser.parseString(EnvoyTypes.printer().print(m)));
    }
    return array;
  }
}
