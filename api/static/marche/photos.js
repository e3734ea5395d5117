/* Photos are downscaled on the phone before they are stored or sent: decoded with their EXIF
 * orientation applied, drawn on a canvas at most MAX_SIDE pixels wide or high, re-encoded as
 * JPEG. The canvas keeps no metadata, so the GPS position a camera hides in EXIF never leaves
 * the phone (the server strips metadata again anyway). */

export const MAX_SIDE = 1600;
export const QUALITY = 0.82;
export const MAX_PHOTOS = 4;

async function decode(file) {
  if (typeof window.createImageBitmap === "function") {
    try {
      return await window.createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      /* fall back to an <img> below (older browsers, some formats) */
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = "async";
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function toBlob(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("encodage impossible"))),
      "image/jpeg",
      QUALITY,
    );
  });
}

/** ``file`` (from the camera) → { blob (JPEG), width, height }; throws an Error in French. */
export async function downscale(file) {
  if (!file.type.startsWith("image/") && file.type !== "") {
    throw new Error("ce fichier n'est pas une image");
  }
  let image;
  try {
    image = await decode(file);
  } catch {
    throw new Error("format de photo non pris en charge par ce téléphone");
  }
  const width = image.width || image.naturalWidth;
  const height = image.height || image.naturalHeight;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  if (typeof image.close === "function") image.close();
  const blob = await toBlob(canvas);
  return { blob, width: canvas.width, height: canvas.height };
}
