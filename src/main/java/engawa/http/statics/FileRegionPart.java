package engawa.http.statics;

import io.netty.channel.DefaultFileRegion;

/**
 * A range of an {@link OpenFile} sent with sendfile(2): a {@link DefaultFileRegion} (the native epoll
 * transport sends those without copying) that releases its share of the file instead of closing it.
 */
final class FileRegionPart extends DefaultFileRegion {
    private final OpenFile file;

    FileRegionPart(OpenFile file, long position, long count) {
        super(file.channel(), position, count);
        this.file = file;
        file.retain();
    }

    @Override
    protected void deallocate() {
        file.release();
    }
}
