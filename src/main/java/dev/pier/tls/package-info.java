/** TLS material from the files operators have: PEM certificates and keys, or a PKCS#12 key store. */
@NullMarked
package dev.pier.tls;

import org.jspecify.annotations.NullMarked;
