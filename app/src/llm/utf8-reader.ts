/** Bytes of one stream -> text, without a StringDecoder per stream where none is needed. */
import { StringDecoder } from 'node:string_decoder'

/**
 * A reader for one stream. A read that ends on an ASCII byte cannot end inside a character, so it is decoded
 * alone; a StringDecoder (what setEncoding made for every model response, with its buffers) is made only once a
 * read ends inside a character, and then decodes the rest of the stream.
 */
export function utf8Reader(): (chunk: Buffer) => string {
  let decoder: StringDecoder | undefined
  return function decode(chunk) {
    if (decoder) return decoder.write(chunk)
    if (chunk.length === 0 || chunk[chunk.length - 1]! < 0x80) return chunk.toString('utf8')
    decoder = new StringDecoder('utf8')
    return decoder.write(chunk)
  }
}
