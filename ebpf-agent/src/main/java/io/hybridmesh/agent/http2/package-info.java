/**
 * HTTP/2 and gRPC from captured plaintext, pure (no I/O, no logging, no clock): the counterpart of
 * {@code io.hybridmesh.agent.http} for connections that speak HTTP/2 (issue 14).
 *
 * <p>{@link io.hybridmesh.agent.http2.Http2Connection} takes the calls of one connection as
 * {@code HttpConversation} does (direction, captured bytes, true length, time) and returns
 * {@link io.hybridmesh.agent.http2.Http2Event}s: {@code RequestSeen} when a stream's request headers
 * are complete, {@code ExchangeEnded} when the stream is over (request, response, sizes, latency,
 * gRPC status), {@code Unparsed} when framing is lost. {@link io.hybridmesh.agent.http2.Http2Detect}
 * tells from a direction's first bytes whether a connection needs this parser or the HTTP/1 one.
 *
 * <p>Inside: {@code FrameReader} (framing and resynchronisation) feeds {@code FrameContent} (payloads
 * by frame type) and {@code HeaderBlockAssembler} (bounded header blocks); {@code FrameRouter} sends
 * header blocks through the direction's {@code HpackDecoder} ({@code HpackInput}, {@code Huffman},
 * {@code StaticTable}, {@code DynamicTable}, kept names only) to {@code Exchanges}, which pairs them per
 * stream ({@code StreamTable}, {@code Http2Stream}) and derives gRPC status ({@code Grpc}). All bounds
 * are in {@link io.hybridmesh.agent.http2.Http2Limits}; every refusal is a counted
 * {@link io.hybridmesh.agent.http2.Http2Drop}.
 *
 * <p>A connection first seen mid-stream, or one that lost bytes, is told, not guessed: fields that
 * reference HPACK state we never saw are null with an {@link io.hybridmesh.agent.http2.Http2Unknown}
 * reason, and framing is only taken up again at a call that starts with a plausible chain of frames.
 */
package io.hybridmesh.agent.http2;
