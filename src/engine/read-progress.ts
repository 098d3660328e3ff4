import type { LayerContents } from '../model/entry.js';

/** Updated while reading, for a progress line; never read by the engine itself. */
export interface ReadProgress {
  layersRead: number;
  bytesRead: number;
  /** Once the manifest is known (at once for archives and layouts, at the end of a stream): what there is to read. */
  layersTotal?: number;
  bytesTotal?: number;
}

/** A read in progress, as the progress line sees it. */
export interface WatchedRead {
  readonly bytesRead: number;
  readonly contents: Promise<unknown>;
}

/** Keeps the progress line's bytes: those of the layers read, plus those of the ones being read from this thread. */
export class ProgressCounter {
  private bytesDone = 0;
  private readonly current = new Set<WatchedRead>();
  private readonly ticker: NodeJS.Timeout | undefined;

  constructor(private readonly progress: ReadProgress | undefined) {
    this.ticker = progress ? setInterval(() => this.show(), 200) : undefined;
  }

  watch(reading: WatchedRead): void {
    this.current.add(reading);
    const done = (): void => void this.current.delete(reading);
    reading.contents.then(done, done);
  }

  /** The image's layers are known: `layers` in all, `bytesLeft` of them not read yet. */
  expect(layers: number, bytesLeft: number): void {
    if (!this.progress) return;
    this.progress.layersTotal = layers;
    this.progress.bytesTotal = this.bytesDone + bytesLeft;
  }

  layerRead(layer: LayerContents): LayerContents {
    this.bytesDone += layer.blobSize;
    if (this.progress) this.progress.layersRead++;
    this.show();
    return layer;
  }

  stop(): void {
    clearInterval(this.ticker);
  }

  private show(): void {
    if (!this.progress) return;
    let reading = 0;
    for (const reader of this.current) reading += reader.bytesRead;
    this.progress.bytesRead = this.bytesDone + reading;
  }
}
