package io.hybridmesh.xds.validate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Checks a message against the protoc-gen-validate rules Envoy's protos carry, the same rules Envoy checks
 * before it accepts a resource. The java-control-plane jar ships the rule options but no generated
 * validators, so this reads the options by reflection. It covers the rule kinds Envoy's xDS protos use for
 * the fields we set: required messages and oneofs, string lengths, prefixes and patterns, numeric and
 * duration bounds, defined enums, item counts; and it follows {@code Any}s it can unpack.
 * Semantic checks Envoy makes in code (unknown extension names, overlapping filter-chain matches) are not
 * rules: {@link ReferenceCheck} covers the ones we rely on.
 */
final class PgvRules {

  private PgvRules() {}

  static void check(Message message, String path, Consumer<String> errors) {
    Descriptor type = message.getDescriptorForType();
    if (type.getOptions().getExtension(Validate.disabled) || type.getOptions().getExtension(Validate.ignored)) {
      return;
    }
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required) && !message.hasOneof(oneof)) {
        errors.accept(path + ": one of '" + oneof.getName() + "' is required");
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      FieldRules rules = field.getOptions().getExtension(Validate.rules);
      String at = path + "." + field.getName();
      if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        checkRepeated(rules, count, at, errors);
        for (int i = 0; i < count; i++) {
          Object item = message.getRepeatedField(field, i);
          if (item instanceof Message m) {
            recurse(m, at + "[" + i + "]", errors);
          }
        }
        continue;
      }
      if (field.getRealContainingOneof() != null && !message.hasField(field)) {
        continue; // rules on a oneof member apply only to the member that is set
      }
      boolean present = field.hasPresence() ? message.hasField(field) : true;
      if (rules.getMessage().getRequired() && !message.hasField(field)) {
        errors.accept(at + ": is required");
        continue;
      }
      if (!present || (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !message.hasField(field))) {
        if (rules.hasDuration() && rules.getDuration().getRequired()) {
          errors.accept(at + ": is required");
        }
        if (rules.hasAny() && rules.getAny().getRequired()) {
          errors.accept(at + ": is required");
        }
        continue;
      }
      Object value = message.getField(field);
      if (rules.getTypeCase() != FieldRules.TypeCase.TYPE_NOT_SET) {
        checkValue(rules, value, at, errors);
      }
      if (value instanceof Message m) {
        recurse(m, at, errors);
      }
    }
  }

  private static void recurse(Message m, String at, Consumer<String> errors) {
    if (m instanceof Any any) {
      unpack(any, at, errors);
    } else {
      check(m, at, errors);
    }
  }

  private static void unpack(Any any, String at, Consumer<String> errors) {
    String typeName = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
    Message prototype = EnvoyTypes.typedConfig(typeName);
    if (prototype == null) {
      errors.accept(at + ": typed config of unknown type " + any.getTypeUrl());
      return;
    }
    try {
      // Generated classes, not DynamicMessage: nested Durations and Anys must stay their own types.
      Message config = prototype.getParserForType().parseFrom(any.getValue());
      check(config, at + "<" + prototype.getDescriptorForType().getName() + ">", errors);
    } catch (InvalidProtocolBufferException e) {
      errors.accept(at + ": typed config does not parse as " + typeName + ": " + e.getMessage());
    }
  }

  private static void checkRepeated(FieldRules rules, int count, String at, Consumer<String> errors) {
    if (rules.hasRepeated()) {
      var r = rules.getRepeated();
      if (r.hasMinItems() && count < r.getMinItems()) {
        errors.accept(at + ": needs at least " + r.getMinItems() + " items, has " + count);
      }
      if (r.hasMaxItems() && count > r.getMaxItems()) {
        errors.accept(at + ": allows at most " + r.getMaxItems() + " items, has " + count);
      }
    }
    if (rules.hasMap() && rules.getMap().hasMinPairs() && count < rules.getMap().getMinPairs()) {
      errors.accept(at + ": needs at least " + rules.getMap().getMinPairs() + " entries");
    }
  }

  private static void checkValue(FieldRules rules, Object value, String at, Consumer<String> errors) {
    switch (rules.getTypeCase()) {
      case STRING -> checkString(rules.getString(), (String) value, at, errors);
      case ENUM -> {
        if (rules.getEnum().getDefinedOnly() && ((EnumValueDescriptor) value).getIndex() < 0) {
          errors.accept(at + ": enum value " + value + " is not defined");
        }
      }
      case DURATION -> checkDuration(rules.getDuration(), (Duration) value, at, errors);
      case FLOAT, DOUBLE, INT32, INT64, UINT32, UINT64, SINT32, SINT64, FIXED32, FIXED64, SFIXED32, SFIXED64 -> {
        // Wrapper types (UInt32Value and friends) carry their rules on the wrapper field.
        Object number = value instanceof Message wrapper
            ? wrapper.getField(wrapper.getDescriptorForType().findFieldByName("value")) : value;
        Message numericRules = (Message) rules.getField(rules.getDescriptorForType()
            .findFieldByNumber(rules.getTypeCase().getNumber()));
        checkNumber(numericRules, new BigDecimal(number.toString()), at, errors);
      }
      default -> { }
    }
  }

  private static void checkString(Validate.StringRules r, String s, String at, Consumer<String> errors) {
    long length = s.codePointCount(0, s.length());
    if (r.hasMinLen() && length < r.getMinLen()) {
      errors.accept(at + ": must be at least " + r.getMinLen() + " characters");
    }
    if (r.hasMaxLen() && length > r.getMaxLen()) {
      errors.accept(at + ": must be at most " + r.getMaxLen() + " characters");
    }
    if (r.hasMinBytes() && s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < r.getMinBytes()) {
      errors.accept(at + ": must be at least " + r.getMinBytes() + " bytes");
    }
    if (r.hasPrefix() && !s.startsWith(r.getPrefix())) {
      errors.accept(at + ": must start with '" + r.getPrefix() + "'");
    }
    if (r.hasPattern() && !s.isEmpty() && !Pattern.compile(r.getPattern()).matcher(s).find()) {
      errors.accept(at + ": does not match " + r.getPattern());
    }
    if (r.getInCount() > 0 && !r.getInList().contains(s)) {
      errors.accept(at + ": must be one of " + r.getInList());
    }
  }

  private static void checkDuration(Validate.DurationRules r, Duration d, String at, Consumer<String> errors) {
    long nanos = Durations.toNanos(d);
    if (r.hasGt() && nanos <= Durations.toNanos(r.getGt())) {
      errors.accept(at + ": must be greater than " + Durations.toString(r.getGt()));
    }
    if (r.hasGte() && nanos < Durations.toNanos(r.getGte())) {
      errors.accept(at + ": must be at least " + Durations.toString(r.getGte()));
    }
    if (r.hasLt() && nanos >= Durations.toNanos(r.getLt())) {
      errors.accept(at + ": must be less than " + Durations.toString(r.getLt()));
    }
    if (r.hasLte() && nanos > Durations.toNanos(r.getLte())) {
      errors.accept(at + ": must be at most " + Durations.toString(r.getLte()));
    }
  }

  /** Numeric rule messages all share the field names gt, gte, lt, lte, const, in, not_in. */
  private static void checkNumber(Message rules, BigDecimal v, String at, Consumer<String> errors) {
    for (Map.Entry<FieldDescriptor, Object> e : rules.getAllFields().entrySet()) {
      String name = e.getKey().getName();
      if (e.getKey().isRepeated()) {
        List<?> values = (List<?>) e.getValue();
        boolean contained = values.stream().anyMatch(x -> new BigDecimal(x.toString()).compareTo(v) == 0);
        if (name.equals("in") && !contained || name.equals("not_in") && contained) {
          errors.accept(at + ": " + v + " violates " + name + " " + values);
        }
        continue;
      }
      if (!(e.getValue() instanceof Number)) {
        continue;
      }
      int c = v.compareTo(new BigDecimal(e.getValue().toString()));
      boolean ok = switch (name) {
        case "gt" -> c > 0;
        case "gte" -> c >= 0;
        case "lt" -> c < 0;
        case "lte" -> c <= 0;
        case "const" -> c == 0;
        default -> true;
      };
      if (!ok) {
        errors.accept(at + ": " + v + " violates " + name + " " + e.getValue());
      }
    }
  }
}
